// The typed settings the rest of the program reads, and the names of the settings and secret settings.
// config/settings.ts parses the stack configuration into them.
import { ChartKey } from "../charts/table";
import { alertingSecretsKey, AlertingSettings } from "./alerting";

/** The secret settings (`pulumi config set --secret`) holding the object-storage credentials. */
export const secretKeys = { accessKeyId: "objectStorageAccessKeyId", secretAccessKey: "objectStorageSecretAccessKey" } as const;

/** The secret setting holding the OAuth client secret of Grafana's single sign-on. */
export const ssoSecretKey = "grafanaSsoClientSecret";

/** Every secret setting: read by config/index.ts as secrets, never as plain settings. */
export const allSecretKeys: readonly string[] = [...Object.values(secretKeys), ssoSecretKey, alertingSecretsKey];

export type GrafanaRole = "Admin" | "Editor" | "Viewer";
export const grafanaRoles: readonly GrafanaRole[] = ["Admin", "Editor", "Viewer"];

/** Grafana single sign-on by generic OAuth 2 / OpenID Connect. */
export interface SsoSettings {
    /** The login button's label. */
    name: string;
    issuer?: string;
    authUrl: string;
    tokenUrl: string;
    apiUrl: string;
    clientId: string;
    scopes: string[];
    /** JMESPath to the user's groups in the ID token or user info. */
    groupsAttributePath: string;
    /** Groups granted each role; a user in several gets the highest. */
    roles: Partial<Record<GrafanaRole, string[]>>;
    allowedGroups: string[];
    allowedDomains: string[];
    /** Hide the user/password form once single sign-on works (the admin can still log in through the API). */
    disableLoginForm: boolean;
}
export interface Resources {
    requests: { cpu: string; memory: string };
    limits: { cpu?: string; memory: string };
}

export interface ObjectStorage {
    endpoint: string;
    region: string;
    buckets: { lokiChunks: string; lokiRuler: string; tempo: string };
    pathStyle: boolean;
    insecure: boolean;
}

export interface PrometheusSettings {
    mode: "managed" | "external";
    /** For an external Prometheus: its query URL and remote-write URL. */
    url?: string;
    remoteWriteUrl?: string;
    retention: string;
    retentionSize?: string;
    storageSize: string;
    replicas: number;
    resources: Resources;
    alertmanager: { enabled: boolean; storageSize: string; resources: Resources };
}

export interface LokiSettings {
    mode: "SingleBinary" | "SimpleScalable";
    /** SingleBinary: singleBinary; SimpleScalable: read, write, backend. */
    replicas: { singleBinary: number; read: number; write: number; backend: number };
    replicationFactor: number;
    retention: string;
    persistenceSize: string;
    resources: Resources;
    /** memcached memory in MB; 0 turns the cache off. */
    chunksCacheMb: number;
    resultsCacheMb: number;
    canary: boolean;
}

export interface TempoSettings {
    mode: "monolithic" | "distributed";
    replicas: { ingester: number; distributor: number; querier: number; queryFrontend: number; compactor: number };
    replicationFactor: number;
    retention: string;
    persistenceSize: string;
    resources: Resources;
}

export interface AlloySettings {
    /** The receiving Alloy (a Deployment in the main namespace): its replicas form a cluster when clustering is on. */
    replicas: number;
    clustering: boolean;
    resources: Resources;
}

export interface GrafanaSettings {
    adminUser: string;
    /** Raising it generates a new admin password, which Grafana applies at its next start. */
    adminPasswordRotation: number;
    /** Download the grafana.com dashboards; off for air-gapped clusters. */
    downloadDashboards: boolean;
    persistenceSize: string;
    resources: Resources;
    ingress?: { hostname: string; className: string; clusterIssuer?: string };
    sso?: SsoSettings;
}

/** Where every image is pulled from: one private mirror, and the Secrets that authenticate to it. */
export interface ImageSettings {
    /** A registry host with an optional path (`registry.example.com/mirror`) replacing every image's registry. */
    registry?: string;
    /** Names of existing image-pull Secrets (in both namespaces). */
    pullSecrets: string[];
}

/**
 * Settings whose change after install Kubernetes or Helm cannot apply in place: refused against the stack's
 * last deployment until listed in `lifecycle.acknowledge` (after the README's runbook was followed).
 */
export const guardedKeys = [
    "namespace", "nodeNamespace", "cluster.storageClass", "loki.mode", "loki.persistenceSize", "tempo.mode", "tempo.persistenceSize",
    "prometheus.mode", "prometheus.storageSize", "prometheus.alertmanager.storageSize", "grafana.persistenceSize",
] as const;
export type GuardedKey = (typeof guardedKeys)[number];

export interface Settings {
    namespace: string;
    /** Namespace of the node agents that need the host (node-exporter, the Alloy DaemonSet): Pod Security `privileged`. */
    nodeNamespace: string;
    cluster: {
        domain: string;
        storageClass?: string;
        nodes: number;
        /** Create NetworkPolicies (off for network plugins that ignore them). */
        networkPolicies: boolean;
        /** Namespace of the ingress controller that reaches Grafana. */
        ingressNamespace: string;
        /** Port the Kubernetes API answers on after Service translation (6443 on K3s/kubeadm, 443 on most managed clusters). */
        apiServerPort: number;
        /** Let every namespace reach Loki, Tempo and Prometheus directly (their URLs are stack outputs); otherwise only Alloy's receivers. */
        exposeBackends: boolean;
    };
    /** Protect every resource but the smoke test's from `pulumi destroy` and replacement. */
    protect: boolean;
    /** Run the end-to-end smoke test Job (again whenever what it proves changes). */
    smokeTest: boolean;
    charts: Record<ChartKey, string>;
    objectStorage?: ObjectStorage;
    images: ImageSettings;
    prometheus: PrometheusSettings;
    loki: LokiSettings;
    tempo: TempoSettings;
    alloy: AlloySettings;
    grafana: GrafanaSettings;
    alerting: AlertingSettings;
    /** Guarded changes the operator has prepared by hand (README, Day 2): the program then applies them. */
    lifecycle: { acknowledge: GuardedKey[] };
}

/**
 * The stack configuration as read from Pulumi: every `monitoring-stack:` key, structured values as parsed JSON.
 * A key that is neither a setting nor a secret setting is refused.
 */
export type RawConfig = Partial<Record<(typeof settingKeys)[number], unknown>> & Record<string, unknown>;

export const settingKeys = [
    "namespace", "nodeNamespace", "protect", "smokeTest", "cluster", "charts", "objectStorage", "images", "prometheus", "loki", "tempo", "alloy", "grafana", "alerting", "lifecycle",
] as const;
