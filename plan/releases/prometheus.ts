import { Settings } from "../../config/settings";
import { aux, k8sResources, pvc } from "../sizes";
import { lockedDownContainer, runtimeDefaultSeccomp } from "../security";
import { releaseNames } from "../wiring";
import { alertmanagerSecretName } from "../alerting/alertmanager-config";

const openSelectors = {
    serviceMonitorSelectorNilUsesHelmValues: false,
    podMonitorSelectorNilUsesHelmValues: false,
    ruleSelectorNilUsesHelmValues: false,
    probeSelectorNilUsesHelmValues: false,
    scrapeConfigSelectorNilUsesHelmValues: false,
};

/** The operator's admission webhooks (PrometheusRule, AlertmanagerConfig) never fail a write they cannot check. */
export const ADMISSION_FAILURE_POLICY = "Ignore";

/** kube-prometheus-stack values: Prometheus, Alertmanager, operator, node-exporter, kube-state-metrics. */
export function prometheusValues(s: Settings) {
    const p = s.prometheus;
    const sc = s.cluster.storageClass;
    return {
        // The chart truncates its fullname to 26 characters; fixing it keeps the Service name in wiring.ts true.
        fullnameOverride: releaseNames.prometheus,
        // The CRDs are the prometheus-operator-crds release (their own, so that upgrades reach them); this also
        // turns off the chart's CRD upgrade Job, which lives in the same subchart.
        crds: { enabled: false },
        // Our own Grafana release reads the dashboards through its sidecar.
        grafana: { enabled: false, forceDeployDashboards: true },
        // K3s and managed clusters do not expose these control-plane endpoints: scraping them only raises false alerts.
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeProxy: { enabled: false },
        prometheus: {
            prometheusSpec: {
                ...openSelectors,
                enableRemoteWriteReceiver: true,
                enableFeatures: ["exemplar-storage"],
                exemplars: { maxSize: 100000 },
                retention: p.retention,
                ...(p.retentionSize ? { retentionSize: p.retentionSize } : {}),
                replicas: p.replicas,
                resources: k8sResources(p.resources),
                storageSpec: { volumeClaimTemplate: pvc(p.storageSize, sc) },
            },
        },
        alertmanager: {
            enabled: p.alertmanager.enabled,
            // No Role is bound to Alertmanager's ServiceAccount: its pods need no API token.
            serviceAccount: { automountServiceAccountToken: false },
            alertmanagerSpec: {
                automountServiceAccountToken: false,
                // The program writes the whole configuration into this Secret (credentials never in values);
                // useExistingSecret stops the chart rendering its own, unused one.
                configSecret: alertmanagerSecretName,
                useExistingSecret: true,
                resources: k8sResources(p.alertmanager.resources),
                storage: { volumeClaimTemplate: pvc(p.alertmanager.storageSize, sc) },
            },
        },
        prometheusOperator: {
            resources: aux("50m", "96Mi", "256Mi"),
            // Liveness and readiness probes on the config-reloader sidecars of Prometheus and Alertmanager.
            prometheusConfigReloader: { enableProbe: true, resources: aux("10m", "32Mi", "64Mi") },
            admissionWebhooks: {
                // Loki, Tempo and the stack's own rules write PrometheusRules while the operator (which serves this
                // webhook) may not be ready yet: Ignore admits them unvalidated instead of failing those installs.
                // 88.5.3 renders Ignore from its empty default; pinned so that a chart default cannot change it.
                failurePolicy: ADMISSION_FAILURE_POLICY,
                patch: { resources: aux("10m", "32Mi", "64Mi") },
            },
        },
        // Host network, PID namespace and read-only host paths are what node-exporter needs; nothing else.
        "prometheus-node-exporter": {
            // In the node namespace (Pod Security `privileged`); its ServiceMonitor goes with it.
            namespaceOverride: s.nodeNamespace,
            resources: aux("20m", "32Mi", "64Mi"),
            securityContext: { ...runtimeDefaultSeccomp },
            containerSecurityContext: { ...lockedDownContainer },
        },
        "kube-state-metrics": { resources: aux("20m", "64Mi", "128Mi") },
    };
}
