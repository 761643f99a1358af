import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Settings } from "../config";
import { adminSecretKeys, grafanaValues } from "../plan/releases/grafana";
import { helmRelease } from "./release";
import { releaseNames, secretNames, Wiring } from "../plan/wiring";

export interface GrafanaArgs {
    settings: Settings;
    wiring: Wiring;
    namespace: pulumi.Input<string>;
}

/** Grafana with a generated admin password kept in a Secret that the chart references. */
export class Grafana extends pulumi.ComponentResource {
    readonly release: pulumi.Resource;
    readonly adminPassword: pulumi.Output<string>;

    constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring-stack:index:Grafana", name, {}, opts);
        const s = args.settings;
        const password = new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, { parent: this });
        this.adminPassword = pulumi.secret(password.result);
        const secret = new k8s.core.v1.Secret(
            `${name}-admin`,
            {
                metadata: { name: secretNames.grafanaAdmin, namespace: args.namespace },
                type: "Opaque",
                stringData: { [adminSecretKeys.user]: s.grafana.adminUser, [adminSecretKeys.password]: this.adminPassword },
            },
            { parent: this },
        );
        this.release = helmRelease(
            {
                chart: "grafana",
                name: releaseNames.grafana,
                namespace: args.namespace,
                version: s.charts.grafana,
                values: secret.metadata.name.apply(secretName => grafanaValues(s, args.wiring, secretName)),
            },
            { parent: this },
        );
        this.registerOutputs({ adminPassword: this.adminPassword });
    }
}
