import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { groups } from "../plan/guardrails/network-graph";
import { aux } from "../plan/sizes";
import { Wiring } from "../plan/wiring";

export const smokeTestScript = () => fs.readFileSync(path.join(__dirname, "../plan/smoke-test.sh"), "utf8");

const smokeTestImage = "docker.io/curlimages/curl:8.21.0";

export interface SmokeTestArgs {
    wiring: Wiring;
    namespace: pulumi.Input<string>;
    /** Changes on every run so the Job is replaced, and so run again, by every `pulumi up`. */
    runId: string;
}

/**
 * After the stack is up: a Job sends a trace, a log line and a metric through Alloy and reads them back.
 * Pulumi waits for the Job; if it fails, so does the update, and the pod's termination message says what is missing.
 */
export class SmokeTest extends pulumi.ComponentResource {
    readonly result: pulumi.Output<string>;

    constructor(name: string, args: SmokeTestArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring-stack:index:SmokeTest", name, {}, opts);
        const w = args.wiring;
        const script = new k8s.core.v1.ConfigMap(
            `${name}-script`,
            { metadata: { namespace: args.namespace }, data: { "smoke-test.sh": smokeTestScript() } },
            { parent: this },
        );
        const job = new k8s.batch.v1.Job(
            name,
            {
                metadata: { namespace: args.namespace, labels: groups.smokeTest.selector },
                spec: {
                    backoffLimit: 0,
                    activeDeadlineSeconds: 300,
                    template: {
                        metadata: { labels: groups.smokeTest.selector, annotations: { "monitoring-stack/run": args.runId } },
                        spec: {
                            restartPolicy: "Never",
                            securityContext: { runAsNonRoot: true, runAsUser: 100, seccompProfile: { type: "RuntimeDefault" } },
                            containers: [{
                                name: "smoke-test",
                                image: smokeTestImage,
                                command: ["sh", "/scripts/smoke-test.sh"],
                                env: [
                                    { name: "ALLOY_OTLP_HTTP", value: w.alloy.otlpHttp },
                                    { name: "TEMPO_URL", value: w.tempo.queryUrl },
                                    { name: "LOKI_URL", value: w.loki.gatewayUrl },
                                    { name: "PROMETHEUS_URL", value: w.prometheus.url },
                                ],
                                resources: aux("10m", "16Mi", "64Mi"),
                                terminationMessagePolicy: "FallbackToLogsOnError",
                                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                                volumeMounts: [{ name: "scripts", mountPath: "/scripts" }],
                            }],
                            volumes: [{ name: "scripts", configMap: { name: script.metadata.name } }],
                        },
                    },
                },
            },
            { parent: this, customTimeouts: { create: "6m", update: "6m" } },
        );
        this.result = pulumi.all([job.metadata.name, job.status]).apply(([jobName, status]) =>
            status?.succeeded ? `passed: a trace, a log line and a metric went through Alloy and came back (job ${jobName})` : `not passed (job ${jobName})`,
        );
        this.registerOutputs({ result: this.result });
    }
}
