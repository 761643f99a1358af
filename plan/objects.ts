// The Kubernetes objects the program creates itself, beside the charts.
import { secretKeys, Settings, ssoSecretKey } from "../config/settings";
import { alertmanagerSecret } from "./alerting/alertmanager-config";
import { networkPolicySpecs } from "./guardrails/network-policies";
import { namespaceWorkloads, ReleaseFootprint, resourceQuotaHard } from "./guardrails/quota";
import { NODE_NAMESPACE, OBJECT_STORAGE } from "./releases";
import { adminSecretKeys, ssoSecretFileKey } from "./releases/grafana";
import { podSecurityLabels } from "./security";
import { containerDefaults } from "./sizes";
import { alertRules, stackHealthInput } from "./telemetry/alert-rules";
import { healthDashboard, healthDashboardUid } from "./telemetry/health-dashboard";
import { ObjectPlan, Step } from "./types";
import { releaseNames, secretNames } from "./wiring";

/**
 * Pod Security admission: every pod of the main namespace meets `restricted`, which it enforces. The node
 * agents (node-exporter: host network, PID and paths; the Alloy DaemonSet: the node's /var/log) run in
 * their own namespace, which must allow `privileged`; anything there beyond `baseline` is warned about and audited.
 */
export const mainPodSecurity = podSecurityLabels("restricted", "restricted");
export const nodePodSecurity = podSecurityLabels("privileged", "baseline");

export const NAMESPACE: Step = "namespace";
export { NODE_NAMESPACE };
export const NETWORK: Step = "network";
export const SELF_MONITORING: Step = "self-monitoring";

type Common = Pick<ObjectPlan, "owner" | "group" | "waitsFor" | "protect">;

export function stackObjects(s: Settings, feet: ReleaseFootprint[]): ObjectPlan[] {
    // With `protect` (prod) every resource but the smoke test's is protected: `pulumi destroy` refuses before it deletes anything.
    const stack: Common = { owner: "stack", group: NAMESPACE, waitsFor: [], protect: s.protect };
    const node: Common & { namespace: string } = { ...stack, group: NODE_NAMESPACE, namespace: s.nodeNamespace };
    const limits = { spec: { limits: [{ type: "Container", ...containerDefaults }] } };
    const objects: ObjectPlan[] = [
        { ...stack, resource: "namespace", apiVersion: "v1", kind: "Namespace", protect: s.protect, metadata: { name: s.namespace, labels: { ...mainPodSecurity } }, body: {} },
        { ...stack, resource: "limits", apiVersion: "v1", kind: "LimitRange", metadata: { name: "container-defaults" }, body: limits },
        { ...stack, resource: "quota", apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "monitoring-stack" }, body: { spec: { hard: resourceQuotaHard(namespaceWorkloads(feet, s.namespace)) } } },
        // The node agents' namespace: protected in prod like everything else, so a destroy stops before it.
        { ...node, resource: "node-namespace", apiVersion: "v1", kind: "Namespace", metadata: { name: s.nodeNamespace, labels: { ...nodePodSecurity } }, body: {} },
        { ...node, resource: "node-limits", apiVersion: "v1", kind: "LimitRange", metadata: { name: "container-defaults" }, body: limits },
        { ...node, resource: "node-quota", apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "monitoring-stack" }, body: { spec: { hard: resourceQuotaHard(namespaceWorkloads(feet, s.nodeNamespace)) } } },
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
    // The OAuth client secret: mounted into Grafana, read by $__file{} (never in grafana.ini or values).
    if (s.grafana.sso) {
        objects.push({
            owner: "grafana", group: releaseNames.grafana, waitsFor: [], protect: s.protect, resource: "sso", apiVersion: "v1", kind: "Secret",
            metadata: { name: secretNames.grafanaSso },
            body: { type: "Opaque", stringData: { [ssoSecretFileKey]: { secretSetting: ssoSecretKey } } },
        });
    }
    if (s.cluster.networkPolicies) {
        for (const p of networkPolicySpecs(s)) {
            // Policies of the node namespace get a distinct resource name (the Kubernetes names may repeat).
            const inNode = p.namespace === s.nodeNamespace;
            objects.push({
                owner: "network", group: NETWORK, waitsFor: [], protect: s.protect, resource: inNode ? `node-${p.name}` : p.name, ...(inNode ? { namespace: p.namespace } : {}),
                apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: p.name }, body: { spec: p.spec },
            });
        }
    }
    objects.push(...alertmanagerSecret(s));
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
