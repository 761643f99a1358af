import { Settings } from "../../config/settings";
import { dashboardSidecar, grafanaDashboards } from "../telemetry/dashboards";
import { datasources } from "../telemetry/datasources";
import { aux, k8sResources } from "../sizes";
import { checksumOf } from "../types";
import { Wiring } from "../wiring";

export const adminSecretKeys = { user: "admin-user", password: "admin-password" } as const;

/**
 * Grafana applies GF_SECURITY_ADMIN_PASSWORD only when it creates its database. This init container writes the
 * admin Secret's password into an existing database before Grafana starts, so that a rotated password (and a
 * kept volume) logs in; the Secret's checksum on the pod restarts Grafana when the Secret changes.
 */
export function adminPasswordSync(adminSecretName: string) {
    const script = [
        "set -eu",
        'if [ -f /var/lib/grafana/grafana.db ]; then',
        '  printf %s "$GF_SECURITY_ADMIN_PASSWORD" | grafana cli --homepath /usr/share/grafana --config /etc/grafana/grafana.ini admin reset-admin-password --password-from-stdin',
        "else",
        '  echo "no database yet: Grafana creates the admin user from its environment"',
        "fi",
    ].join("\n");
    return {
        name: "admin-password-sync",
        // The chart's own image (tpl: the chart renders extraInitContainers through tpl).
        image: '{{ .Values.global.imageRegistry | default .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}',
        command: ["sh", "-c", script],
        env: [{ name: "GF_SECURITY_ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: adminSecretName, key: adminSecretKeys.password } } }],
        volumeMounts: [
            { name: "config", mountPath: "/etc/grafana/grafana.ini", subPath: "grafana.ini" },
            { name: "storage", mountPath: "/var/lib/grafana" },
        ],
        resources: aux("10m", "64Mi", "256Mi"),
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
    };
}

export function grafanaValues(s: Settings, w: Wiring, adminSecretName: string) {
    const g = s.grafana;
    const ingress = g.ingress;
    return {
        replicas: 1,
        // The password lives in a Secret the program creates; never in values.
        admin: { existingSecret: adminSecretName, userKey: adminSecretKeys.user, passwordKey: adminSecretKeys.password },
        // A new admin password (rotation) or user restarts Grafana, and the init container applies the password.
        podAnnotations: { "checksum/admin": checksumOf(adminSecretName) },
        extraInitContainers: [adminPasswordSync(adminSecretName)],
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
