import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { prometheusValues } from "../plan/releases/prometheus";
import { helmRelease } from "./release";
import { releaseNames } from "../plan/wiring";

export interface PrometheusArgs {
    settings: Settings;
    namespace: pulumi.Input<string>;
}

/** kube-prometheus-stack when managed; nothing to install when an external Prometheus is configured. */
export class Prometheus extends pulumi.ComponentResource {
    readonly release?: pulumi.Resource;

    constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring-stack:index:Prometheus", name, {}, opts);
        const s = args.settings;
        if (s.prometheus.mode === "managed") {
            this.release = helmRelease(
                {
                    chart: "kube-prometheus-stack",
                    name: releaseNames.prometheus,
                    namespace: args.namespace,
                    version: s.charts["kube-prometheus-stack"],
                    values: prometheusValues(s),
                },
                { parent: this },
            );
        }
        this.registerOutputs({ mode: s.prometheus.mode });
    }
}
