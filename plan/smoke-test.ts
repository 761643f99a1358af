import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ImageSettings } from "../config/settings";
import { groups } from "./guardrails/network-graph";
import { mirrored } from "./images";
import { aux } from "./sizes";
import { ObjectPlan, ReleasePlan } from "./types";
import { Wiring } from "./wiring";

/** The script is a packaged asset of the plan, read once when the module loads; plan() itself does no I/O. */
export const smokeTestScript = fs.readFileSync(path.join(__dirname, "smoke-test.sh"), "utf8");

export const SMOKE_TEST = "smoke-test";
export const smokeTestImage = "docker.io/curlimages/curl:8.21.0";
const scriptConfigMap = "monitoring-stack-smoke-test";
/** Pod-template annotation: a new value makes the Job's template differ, so Pulumi replaces the Job and it runs again. */
export const runAnnotation = "monitoring-stack/run";

/**
 * What the smoke test proves depends on: chart versions and values of every release on its path (Grafana is
 * not), the wiring and the script. Their hash changes exactly when one of them does, so an unchanged stack
 * previews no change.
 */
export function smokeTestRunKey(releases: ReleasePlan[], w: Wiring): string {
    const onPath = releases.filter(r => r.component !== "grafana");
    const proves = { releases: onPath.map(r => [r.name, r.chart, r.version, r.values]), wiring: w, script: smokeTestScript };
    return createHash("sha256").update(JSON.stringify(proves)).digest("hex").slice(0, 16);
}

/**
 * After the stack is up: a Job sends a trace, a log line and a metric through Alloy and reads them back.
 * Pulumi waits for the Job; if it fails, so does the update, and the pod's termination message says what is missing.
 * `secretChecksums` (checksumOf() annotations) run it again when credentials the pipeline uses change.
 */
export function smokeTestObjects(
    w: Wiring, runKey: string, waitsFor: string[], images: ImageSettings = { pullSecrets: [] }, secretChecksums: Record<string, string> = {},
): ObjectPlan[] {
    const common = { owner: "smoke-test" as const, group: SMOKE_TEST, protect: false };
    return [
        {
            ...common,
            resource: "script",
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: scriptConfigMap },
            body: { data: { "smoke-test.sh": smokeTestScript } },
            waitsFor: [],
        },
        {
            ...common,
            resource: "",
            apiVersion: "batch/v1",
            kind: "Job",
            metadata: { labels: groups.smokeTest.selector },
            body: {
                spec: {
                    backoffLimit: 0,
                    activeDeadlineSeconds: 300,
                    template: {
                        metadata: { labels: groups.smokeTest.selector, annotations: { [runAnnotation]: runKey, ...secretChecksums } },
                        spec: {
                            restartPolicy: "Never",
                            // It only calls HTTP endpoints: no API token in the pod.
                            automountServiceAccountToken: false,
                            ...(images.pullSecrets.length ? { imagePullSecrets: images.pullSecrets.map(name => ({ name })) } : {}),
                            securityContext: { runAsNonRoot: true, runAsUser: 100, seccompProfile: { type: "RuntimeDefault" } },
                            containers: [{
                                name: "smoke-test",
                                image: mirrored(images, smokeTestImage),
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
                            volumes: [{ name: "scripts", configMap: { name: scriptConfigMap } }],
                        },
                    },
                },
            },
            waitsFor: [...waitsFor, `${SMOKE_TEST}/script`],
        },
    ];
}
