import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Secrets, Settings } from "../config";
import { Alloy } from "./alloy";
import { alertmanagerConfigSecret } from "./alertmanager-config";
import { Grafana } from "./grafana";
import { Loki } from "./loki";
import { stackNamespace } from "./namespace";
import { NetworkPolicies } from "./network-policies";
import { Prometheus } from "./prometheus";
import { SelfMonitoring } from "./self-monitoring";
import { SmokeTest } from "./smoke-test";
import { Tempo } from "./tempo";
import { secretNames, wiring, Wiring } from "./wiring";

export interface MonitoringStackArgs {
    settings: Settings;
    secrets: Secrets;
    /** Identifies this `pulumi up`: the smoke test runs again whenever it changes. */
    runId: string;
}

/**
 * The namespace and the five components in their real dependency order: Prometheus first (its CRDs);
 * Loki and Tempo side by side; Alloy and Grafana once the backends they talk to are ready.
 */
export class MonitoringStack extends pulumi.ComponentResource {
    readonly wiring: Wiring;
    readonly namespace: pulumi.Output<string>;
    readonly grafanaAdminPassword: pulumi.Output<string>;
    readonly prometheus: Prometheus;
    readonly loki: Loki;
    readonly tempo: Tempo;
    readonly alloy: Alloy;
    readonly grafana: Grafana;
    readonly smokeTest?: SmokeTest;

    constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring-stack:index:MonitoringStack", name, {}, opts);
        const { settings: s, secrets } = args;
        const w = (this.wiring = wiring(s));
        const child = { parent: this };

        const ns = stackNamespace(name, s, w, child);
        const namespace = (this.namespace = ns.metadata.name);
        const network = s.cluster.networkPolicies ? [new NetworkPolicies(`${name}-network`, { settings: s, namespace }, child)] : [];

        // Credentials reach Loki and Tempo as environment variables, never as Helm values.
        const storageSecret = secrets.objectStorage
            ? new k8s.core.v1.Secret(
                `${name}-object-storage`,
                {
                    metadata: { name: secretNames.objectStorage, namespace },
                    type: "Opaque",
                    stringData: {
                        AWS_ACCESS_KEY_ID: secrets.objectStorage.accessKeyId,
                        AWS_SECRET_ACCESS_KEY: secrets.objectStorage.secretAccessKey,
                    },
                },
                child,
            )
            : undefined;
        // The whole Alertmanager configuration, credentials inline, in a Secret kube-prometheus-stack points at.
        alertmanagerConfigSecret(`${name}-alertmanager-config`, s, secrets, namespace, child);

        // Stateful releases are protected in production; protection is inherited by their children.
        const stateful = { parent: this, protect: s.protect };
        this.prometheus = new Prometheus(`${name}-prometheus`, { settings: s, namespace }, stateful);
        const backendOpts = { ...stateful, dependsOn: [this.prometheus, ...(storageSecret ? [storageSecret] : [])] };
        this.loki = new Loki(`${name}-loki`, { settings: s, namespace }, backendOpts);
        this.tempo = new Tempo(`${name}-tempo`, { settings: s, wiring: w, namespace }, backendOpts);
        // The PrometheusRule needs the operator's CRDs.
        new SelfMonitoring(`${name}-self-monitoring`, { settings: s, namespace }, { parent: this, dependsOn: [this.prometheus] });
        const dependsOn = [this.prometheus, this.loki, this.tempo];
        this.alloy = new Alloy(`${name}-alloy`, { settings: s, wiring: w, namespace }, { parent: this, dependsOn });
        this.grafana = new Grafana(`${name}-grafana`, { settings: s, wiring: w, namespace }, { ...stateful, dependsOn });
        this.grafanaAdminPassword = this.grafana.adminPassword;
        if (s.smokeTest) {
            this.smokeTest = new SmokeTest(
                `${name}-smoke-test`,
                { wiring: w, namespace, runId: args.runId },
                { parent: this, dependsOn: [...dependsOn, this.alloy, ...network] },
            );
        }

        this.registerOutputs({ namespace: this.namespace, grafanaAdminPassword: this.grafanaAdminPassword });
    }
}
