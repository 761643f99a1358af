import { Settings } from "../../config/settings";
import { dashboardSidecar, grafanaDashboards } from "../telemetry/dashboards";
import { datasources } from "../telemetry/datasources";
import { aux, k8sResources } from "../sizes";
import { grafanaContainerSecurity } from "../security";
import { Wiring } from "../wiring";

export const adminSecretKeys = { user: "admin-user", password: "admin-password" } as const;

const tmpDir = { name: "tmp", mountPath: "/tmp" };

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
        // The init-chown-data container runs as root with CHOWN and DAC_OVERRIDE; the pod's fsGroup (472)
        // owns the volume instead. Read-only root filesystems; /tmp is an emptyDir for Grafana and the
        // dashboard sidecar.
        initChownData: { enabled: false },
        containerSecurityContext: { ...grafanaContainerSecurity, privileged: false },
        extraEmptyDirMounts: [tmpDir],
        // The chart's test pod runs only on `helm test`; nothing here runs it.
        testFramework: { enabled: false },
        "grafana.ini": {
            server: { root_url: w.grafana.url },
            analytics: { reporting_enabled: false, check_for_updates: false },
            unified_alerting: { enabled: true },
        },
        datasources: { "datasources.yaml": { apiVersion: 1, datasources: datasources(w) } },
        ...grafanaDashboards(g),
        sidecar: {
            resources: aux("10m", "64Mi", "128Mi"),
            securityContext: grafanaContainerSecurity,
            dashboards: { ...dashboardSidecar, extraMounts: [tmpDir] },
        },
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
