import { Settings } from "../config";
import { dashboardSidecar, grafanaDashboards } from "./grafana-dashboards";
import { datasources } from "./grafana-datasources";
import { k8sResources } from "./release";
import { aux } from "./sizes";
import { Wiring } from "./wiring";
import { grafanaAlertingProvisioning } from "../plan/alerting/grafana-alerting";

export const adminSecretKeys = { user: "admin-user", password: "admin-password" } as const;

export function grafanaValues(s: Settings, w: Wiring, adminSecretName: string) {
    const g = s.grafana;
    const ingress = g.ingress;
    return {
        replicas: 1,
        // The password lives in a Secret the program creates; never in values.
        admin: { existingSecret: adminSecretName, userKey: adminSecretKeys.user, passwordKey: adminSecretKeys.password },
        resources: k8sResources(g.resources),
        serviceMonitor: { enabled: s.prometheus.mode === "managed" },
        // A ReadWriteOnce volume cannot attach to a second pod on another node during a rolling update.
        deploymentStrategy: { type: "Recreate" },
        persistence: {
            enabled: true,
            type: "pvc",
            size: g.persistenceSize,
            // Helm keeps the volume (dashboards, users, alert state) when the release is uninstalled.
            annotations: { "helm.sh/resource-policy": "keep" },
            ...(s.cluster.storageClass ? { storageClassName: s.cluster.storageClass } : {}),
        },
        initChownData: { resources: aux("10m", "16Mi", "64Mi") },
        // The chart's test pod runs only on `helm test`; nothing here runs it.
        testFramework: { enabled: false },
        "grafana.ini": {
            server: { root_url: w.grafana.url },
            analytics: { reporting_enabled: false, check_for_updates: false },
            unified_alerting: { enabled: true },
        },
        datasources: { "datasources.yaml": { apiVersion: 1, datasources: datasources(w) } },
        // Grafana-managed alerts go to the stack's Alertmanager, like every other alert.
        ...(w.alertmanager ? { alerting: grafanaAlertingProvisioning(w.alertmanager.url) } : {}),
        ...grafanaDashboards(g),
        sidecar: { resources: aux("10m", "64Mi", "128Mi"), dashboards: dashboardSidecar },
        ingress: ingress
            ? {
                enabled: true,
                ingressClassName: ingress.className,
                annotations: ingress.clusterIssuer ? { "cert-manager.io/cluster-issuer": ingress.clusterIssuer } : {},
                hosts: [ingress.hostname],
                path: "/",
                pathType: "Prefix",
                tls: ingress.clusterIssuer ? [{ secretName: "grafana-tls", hosts: [ingress.hostname] }] : [],
            }
            : { enabled: false },
    };
}
