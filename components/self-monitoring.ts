import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { alertRules, stackHealthInput } from "../plan/telemetry/alert-rules";
import { healthDashboard, healthDashboardUid } from "../plan/telemetry/health-dashboard";

export interface SelfMonitoringArgs {
    settings: Settings;
    namespace: pulumi.Input<string>;
}

/** The stack's own alert rules (for a managed Prometheus, whose operator loads them) and its health dashboard. */
export class SelfMonitoring extends pulumi.ComponentResource {
    constructor(name: string, args: SelfMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring-stack:index:SelfMonitoring", name, {}, opts);
        const input = stackHealthInput(args.settings);
        if (args.settings.prometheus.mode === "managed") {
            new k8s.apiextensions.CustomResource(
                `${name}-alerts`,
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "PrometheusRule",
                    metadata: { name: "monitoring-stack-alerts", namespace: args.namespace },
                    spec: alertRules(input),
                },
                { parent: this },
            );
        }
        // Grafana's dashboard sidecar loads ConfigMaps with this label.
        new k8s.core.v1.ConfigMap(
            `${name}-dashboard`,
            {
                metadata: { name: healthDashboardUid, namespace: args.namespace, labels: { grafana_dashboard: "1" } },
                data: { [`${healthDashboardUid}.json`]: JSON.stringify(healthDashboard(input)) },
            },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
