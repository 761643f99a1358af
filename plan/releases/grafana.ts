import { GrafanaRole, grafanaRoles, Settings, SsoSettings } from "../../config/settings";
import { dashboardSidecar, grafanaDashboards } from "../telemetry/dashboards";
import { grafanaAlertingProvisioning } from "../alerting/grafana-alerting";
import { datasources } from "../telemetry/datasources";
import { aux, k8sResources } from "../sizes";
import { checksumOf } from "../types";
import { grafanaContainerSecurity } from "../security";
import { secretNames, Wiring } from "../wiring";

export const adminSecretKeys = { user: "admin-user", password: "admin-password" } as const;

/** The key of the OAuth client secret in its Secret, and where Grafana finds it. */
export const ssoSecretFileKey = "client-secret";
export const ssoMountPath = "/etc/secrets/grafana-sso";

/**
 * grafana.ini for single sign-on by generic OAuth: roles from groups (the highest group wins; with groups
 * listed for Viewer, users in none of them are refused, otherwise they get Viewer).
 */
export function ssoIni(sso: SsoSettings) {
    const quote = (g: string) => `'${g}'`;
    const rule = (role: GrafanaRole) => (sso.roles[role] ?? []).map(g => `contains(${sso.groupsAttributePath}[*], ${quote(g)})`).join(" || ");
    const mapped = grafanaRoles.filter(role => (sso.roles[role] ?? []).length > 0);
    const strict = mapped.includes("Viewer");
    const path = mapped.map(role => `(${rule(role)}) && '${role}'`).join(" || ") + (mapped.length && !strict ? " || 'Viewer'" : "");
    return {
        enabled: true,
        name: sso.name,
        client_id: sso.clientId,
        // Expanded by Grafana from the mounted Secret when it starts.
        client_secret: `$__file{${ssoMountPath}/${ssoSecretFileKey}}`,
        scopes: sso.scopes.join(" "),
        auth_url: sso.authUrl,
        token_url: sso.tokenUrl,
        api_url: sso.apiUrl,
        use_pkce: true,
        use_refresh_token: true,
        allow_sign_up: true,
        groups_attribute_path: sso.groupsAttributePath,
        ...(mapped.length ? { role_attribute_path: path, role_attribute_strict: strict } : {}),
        ...(sso.allowedGroups.length ? { allowed_groups: sso.allowedGroups.join(",") } : {}),
        ...(sso.allowedDomains.length ? { allowed_domains: sso.allowedDomains.join(" ") } : {}),
    };
}

const tmpDir = { name: "tmp", mountPath: "/tmp" };

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
    const sso = g.sso;
    return {
        replicas: 1,
        // The password lives in a Secret the program creates; never in values.
        admin: { existingSecret: adminSecretName, userKey: adminSecretKeys.user, passwordKey: adminSecretKeys.password },
        // A new admin password (rotation) or user restarts Grafana, and the init container applies the password.
        // A changed admin or single sign-on Secret restarts Grafana, which reads both only when it starts.
        podAnnotations: { "checksum/admin": checksumOf(adminSecretName), ...(g.sso ? { "checksum/sso": checksumOf(secretNames.grafanaSso) } : {}) },
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
        // The init-chown-data container runs as root with CHOWN and DAC_OVERRIDE; the pod's fsGroup (472)
        // owns the volume instead. Read-only root filesystems; /tmp is an emptyDir for Grafana and the
        // dashboard sidecar.
        initChownData: { enabled: false },
        containerSecurityContext: { ...grafanaContainerSecurity, privileged: false },
        extraEmptyDirMounts: [tmpDir],
        ...(sso
            ? { extraSecretMounts: [{ name: "grafana-sso", secretName: secretNames.grafanaSso, defaultMode: 0o440, mountPath: ssoMountPath, readOnly: true }] }
            : {}),
        // The chart's test pod runs only on `helm test`; nothing here runs it.
        testFramework: { enabled: false },
        "grafana.ini": {
            server: { root_url: w.grafana.url },
            analytics: { reporting_enabled: false, check_for_updates: false },
            unified_alerting: { enabled: true },
            "auth.anonymous": { enabled: false },
            // Session cookies only over HTTPS where Grafana is served with TLS.
            security: { cookie_secure: !!ingress?.clusterIssuer },
            ...(sso ? { auth: { disable_login_form: sso.disableLoginForm }, "auth.generic_oauth": ssoIni(sso) } : {}),
        },
        datasources: { "datasources.yaml": { apiVersion: 1, datasources: datasources(w) } },
        // Grafana-managed alerts go to the stack's Alertmanager, like every other alert.
        ...(w.alertmanager ? { alerting: grafanaAlertingProvisioning(w.alertmanager.url) } : {}),
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
