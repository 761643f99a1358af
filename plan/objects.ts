// The Kubernetes objects the program creates itself, beside the charts.
import { secretKeys, Settings } from "../config/settings";
import { networkPolicySpecs } from "./guardrails/network-policies";
import { resourceQuotaHard } from "./guardrails/quota";
import { Footprint } from "./guardrails/footprint";
import { OBJECT_STORAGE } from "./releases";
import { adminSecretKeys } from "./releases/grafana";
import { containerDefaults } from "./sizes";
import { alertRules, stackHealthInput } from "./telemetry/alert-rules";
import { healthDashboard, healthDashboardUid } from "./telemetry/health-dashboard";
import { ObjectPlan, Step } from "./types";
import { releaseNames, secretNames } from "./wiring";

/**
 * Pod Security admission: node-exporter (host network, PID and paths) and Alloy (the node's /var/log) need
 * `privileged`; everything else would pass `baseline`, so violations of it are warned about and audited.
 */
export const podSecurityLabels = {
    "pod-security.kubernetes.io/enforce": "privileged",
    "pod-security.kubernetes.io/warn": "baseline",
    "pod-security.kubernetes.io/audit": "baseline",
} as const;

export const NAMESPACE: Step = "namespace";
export const NETWORK: Step = "network";
export const SELF_MONITORING: Step = "self-monitoring";

type Common = Pick<ObjectPlan, "owner" | "group" | "waitsFor" | "protect">;

export function stackObjects(s: Settings, feet: { footprint: Footprint }[]): ObjectPlan[] {
    // With `protect` (prod) every resource but the smoke test's is protected: `pulumi destroy` refuses before it deletes anything.
    const stack: Common = { owner: "stack", group: NAMESPACE, waitsFor: [], protect: s.protect };
    const objects: ObjectPlan[] = [
        { ...stack, resource: "namespace", apiVersion: "v1", kind: "Namespace", protect: s.protect, metadata: { name: s.namespace, labels: { ...podSecurityLabels } }, body: {} },
        { ...stack, resource: "limits", apiVersion: "v1", kind: "LimitRange", metadata: { name: "container-defaults" }, body: { spec: { limits: [{ type: "Container", ...containerDefaults }] } } },
        { ...stack, resource: "quota", apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "monitoring-stack" }, body: { spec: { hard: resourceQuotaHard(feet) } } },
    ];
    // Credentials reach Loki and Tempo as environment variables, never as Helm values.
    if (s.objectStorage) {
        objects.push({
            ...stack, group: OBJECT_STORAGE, resource: "object-storage", apiVersion: "v1", kind: "Secret", metadata: { name: secretNames.objectStorage },
            body: {
                type: "Opaque",
                stringData: {
                    AWS_ACCESS_KEY_ID: { secretSetting: secretKeys.accessKeyId },
                    AWS_SECRET_ACCESS_KEY: { secretSetting: secretKeys.secretAccessKey },
                },
            },
        });
    }
    objects.push({
        owner: "grafana", group: releaseNames.grafana, waitsFor: [], protect: s.protect, resource: "admin", apiVersion: "v1", kind: "Secret",
        metadata: { name: secretNames.grafanaAdmin },
        body: { type: "Opaque", stringData: { [adminSecretKeys.user]: s.grafana.adminUser, [adminSecretKeys.password]: { generated: "admin-password", rotation: s.grafana.adminPasswordRotation } } },
    });
    if (s.cluster.networkPolicies) {
        for (const p of networkPolicySpecs(s)) {
            objects.push({ owner: "network", group: NETWORK, waitsFor: [], protect: s.protect, resource: p.name, apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: p.name }, body: { spec: p.spec } });
        }
    }
    objects.push(...selfMonitoring(s));
    return objects;
}

/** The stack's own alert rules (for a managed Prometheus, whose operator loads them; they need its CRDs) and its health dashboard. */
function selfMonitoring(s: Settings): ObjectPlan[] {
    const input = stackHealthInput(s);
    const managed = s.prometheus.mode === "managed";
    // The PrometheusRule needs the CRDs only: the operator picks it up whenever it is ready.
    const common: Common = { owner: "self-monitoring", group: SELF_MONITORING, waitsFor: managed ? [releaseNames.crds] : [], protect: s.protect };
    return [
        ...(managed
            ? [{ ...common, resource: "alerts", apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule" as const, metadata: { name: "monitoring-stack-alerts" }, body: { spec: alertRules(input) } }]
            : []),
        // Grafana's dashboard sidecar loads ConfigMaps with this label.
        {
            ...common, resource: "dashboard", apiVersion: "v1", kind: "ConfigMap", metadata: { name: healthDashboardUid, labels: { grafana_dashboard: "1" } },
            body: { data: { [`${healthDashboardUid}.json`]: JSON.stringify(healthDashboard(input)) } },
        },
    ];
}
