import { quantity } from "../charts/units";
import { ConfigError, DNS_LABEL, HOSTNAME, Reader, SEMVER, Trace } from "./reader";
import { ChartKey, chartKeys, operatorPairProblem } from "../charts/table";

/**
 * The Kubernetes provider's own settings (`kubernetes:` in the stack file) the program needs. Without them the
 * provider replaces a named Secret or ConfigMap on any change of its data; a protected one would then block
 * its own update (a credential rotation, a new Grafana admin user). The default provider reads them, so no
 * explicit provider is needed (one would replace every resource of an existing stack once).
 */
export const providerSettings = { enableSecretMutable: "true", enableConfigMapMutable: "true" } as const;

/** Refuses a stack whose `kubernetes:` configuration lacks a setting of providerSettings. */
export function checkProviderSettings(kubernetes: Record<string, unknown>): void {
    const missing = Object.entries(providerSettings).filter(([k, v]) => String(kubernetes[k]) !== v).map(([k]) => k);
    if (missing.length === 0) return;
    throw new ConfigError(
        `${missing.map(k => `kubernetes:${k}`).join(" and ")} must be true in the stack configuration ` +
            `(${missing.map(k => `\`pulumi config set kubernetes:${k} true\``).join(", ")}): without it the Kubernetes provider ` +
            "replaces a named Secret or ConfigMap on every change of its data, and a protected one blocks its own update",
    );
}

/** The secret settings (`pulumi config set --secret`) holding the object-storage credentials. */
export const secretKeys = { accessKeyId: "objectStorageAccessKeyId", secretAccessKey: "objectStorageSecretAccessKey" } as const;

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
}

/**
 * Settings whose change after install Kubernetes or Helm cannot apply in place: refused against the stack's
 * last deployment until listed in `lifecycle.acknowledge` (after the README's runbook was followed).
 */
export const guardedKeys = [
    "namespace", "cluster.storageClass", "loki.mode", "loki.persistenceSize", "tempo.mode", "tempo.persistenceSize",
    "prometheus.mode", "prometheus.storageSize", "prometheus.alertmanager.storageSize", "grafana.persistenceSize",
] as const;
export type GuardedKey = (typeof guardedKeys)[number];

export interface Settings {
    namespace: string;
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
    prometheus: PrometheusSettings;
    loki: LokiSettings;
    tempo: TempoSettings;
    alloy: AlloySettings;
    grafana: GrafanaSettings;
    /** Guarded changes the operator has prepared by hand (README, Day 2): the program then applies them. */
    lifecycle: { acknowledge: GuardedKey[] };
}

/**
 * The stack configuration as read from Pulumi: every `monitoring-stack:` key, structured values as parsed JSON.
 * A key that is neither a setting nor a secret setting is refused.
 */
export type RawConfig = Partial<Record<(typeof settingKeys)[number], unknown>> & Record<string, unknown>;

export const settingKeys = [
    "namespace", "protect", "smokeTest", "cluster", "charts", "objectStorage", "prometheus", "loki", "tempo", "alloy", "grafana", "lifecycle",
] as const;

function resources(r: Reader, dflt: Resources): Resources {
    const req = r.child("requests");
    const lim = r.child("limits");
    const out: Resources = {
        requests: { cpu: req.quantity("cpu", dflt.requests.cpu, "cpu"), memory: req.quantity("memory", dflt.requests.memory, "memory") },
        limits: { cpu: lim.quantity("cpu", dflt.limits.cpu, "cpu"), memory: lim.quantity("memory", dflt.limits.memory, "memory") },
    };
    req.done();
    lim.done();
    r.done();
    for (const kind of ["cpu", "memory"] as const) {
        const request = out.requests[kind];
        const limit = out.limits[kind];
        if (limit !== undefined && quantity(request)! > quantity(limit)!) {
            r.error(`${r.path}.requests.${kind} (${request}) must not exceed ${r.path}.limits.${kind} (${limit})`);
        }
    }
    return out;
}

const res = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string): Resources => ({
    requests: { cpu, memory },
    limits: { cpu: cpuLimit, memory: memoryLimit },
});

const URL_PATTERN = { pattern: /^https?:\/\/[^\s/]+(\/\S*)?$/, expected: 'an http(s) URL like "http://prometheus.monitoring.svc:9090"' };
const SIZE = { pattern: /^\d+(Mi|Gi|Ti)$/, expected: 'a volume size like "10Gi"' };

/**
 * Parses, defaults and validates the stack configuration. Throws one ConfigError listing every problem.
 * `defaultVersions` is the chart table; `charts` in the config overrides single versions per stack.
 */
export function parseSettings(raw: RawConfig, defaultVersions: Record<ChartKey, string>, trace?: Trace): Settings {
    const errors: string[] = [];
    const root = new Reader("", raw, errors, trace);

    const namespace = root.string("namespace", "monitoring-stack", {
        pattern: DNS_LABEL,
        expected: "a Kubernetes namespace name (lower-case letters, digits and '-', at most 63 characters)",
    });

    const protect = root.bool("protect", false);
    const smokeTest = root.bool("smokeTest", true);

    const c = root.child("cluster");
    const cluster = {
        domain: c.string("domain", "cluster.local", { pattern: HOSTNAME, expected: 'a DNS domain like "cluster.local"' }),
        storageClass: c.string("storageClass", undefined, { pattern: DNS_LABEL, expected: 'a StorageClass name like "longhorn"' }),
        nodes: c.int("nodes", 1, 1, 1000),
        networkPolicies: c.bool("networkPolicies", true),
        ingressNamespace: c.string("ingressNamespace", "kube-system", { pattern: DNS_LABEL, expected: 'a namespace name like "kube-system"' }),
        apiServerPort: c.int("apiServerPort", 6443, 1, 65535),
        exposeBackends: c.bool("exposeBackends", false),
    };
    c.done();

    const ch = root.child("charts");
    const charts = { ...defaultVersions };
    for (const key of chartKeys) {
        charts[key] = ch.string(key, defaultVersions[key], { pattern: SEMVER, expected: 'an exact chart version like "1.2.3"' });
    }
    ch.done();
    const pairing = operatorPairProblem(charts);
    if (pairing) errors.push(pairing);

    let objectStorage: ObjectStorage | undefined;
    if (root.has("objectStorage")) {
        const o = root.child("objectStorage");
        const b = o.child("buckets");
        const bucket = { pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, expected: "an S3 bucket name (3-63 lower-case letters, digits, '.' or '-')" };
        objectStorage = {
            endpoint: o.required("endpoint", { pattern: /^[A-Za-z0-9.-]+(:\d+)?$/, expected: 'a host[:port] without scheme like "minio.storage.svc:9000"' }),
            region: o.string("region", "us-east-1", { pattern: /^[a-z0-9-]+$/, expected: 'a region like "us-east-1"' }),
            buckets: { lokiChunks: b.required("lokiChunks", bucket), lokiRuler: b.required("lokiRuler", bucket), tempo: b.required("tempo", bucket) },
            pathStyle: o.bool("pathStyle", true),
            insecure: o.bool("insecure", false),
        };
        b.done();
        o.done();
        const names = Object.values(objectStorage.buckets).filter(Boolean);
        if (new Set(names).size !== names.length) {
            errors.push(`objectStorage.buckets must name three different buckets, got ${JSON.stringify(objectStorage.buckets)}`);
        }
    }

    const p = root.child("prometheus");
    const pMode = p.oneOf("mode", ["managed", "external"] as const, "managed");
    const am = p.child("alertmanager");
    const prometheus: PrometheusSettings = {
        mode: pMode,
        url: p.string("url", undefined, URL_PATTERN),
        remoteWriteUrl: p.string("remoteWriteUrl", undefined, URL_PATTERN),
        retention: p.duration("retention", "7d", "prometheus", "30d"),
        retentionSize: p.string("retentionSize", undefined, { pattern: /^\d+(B|KB|MB|GB|TB|PB|EB)$/, expected: 'a size like "40GB"' }),
        storageSize: p.string("storageSize", "10Gi", SIZE),
        replicas: p.int("replicas", 1, 1, 5),
        resources: resources(p.child("resources"), res("200m", "512Mi", "1", "1Gi")),
        alertmanager: {
            enabled: am.bool("enabled", true),
            storageSize: am.string("storageSize", "1Gi", SIZE),
            resources: resources(am.child("resources"), res("20m", "64Mi", "200m", "128Mi")),
        },
    };
    am.done();
    p.done();
    if (pMode === "external") {
        if (!prometheus.url) errors.push('prometheus.url is required when prometheus.mode is "external"');
        if (prometheus.url && !prometheus.remoteWriteUrl) prometheus.remoteWriteUrl = `${prometheus.url.replace(/\/$/, "")}/api/v1/write`;
    } else if (prometheus.url || prometheus.remoteWriteUrl) {
        errors.push('prometheus.url and remoteWriteUrl apply only to prometheus.mode "external"; a managed Prometheus gets its URLs from the release');
    }

    const l = root.child("loki");
    const lMode = l.oneOf("mode", ["SingleBinary", "SimpleScalable"] as const, "SingleBinary");
    const lr = l.child("replicas");
    const scalable = lMode === "SimpleScalable";
    const lokiReplicas = {
        singleBinary: scalable ? 0 : 1,
        read: scalable ? lr.int("read", 2, 1, 50) : 0,
        write: scalable ? lr.int("write", 2, 1, 50) : 0,
        backend: scalable ? lr.int("backend", 2, 1, 50) : 0,
    };
    lr.done();
    const loki: LokiSettings = {
        mode: lMode,
        replicas: lokiReplicas,
        replicationFactor: l.int("replicationFactor", scalable && lokiReplicas.write >= 3 ? 3 : 1, 1, 5),
        // Loki reads retention_period as a Prometheus duration: "744h" or "31d", no fractions.
        retention: l.duration("retention", "168h", "prometheus", "744h"),
        persistenceSize: l.string("persistenceSize", "10Gi", SIZE),
        resources: resources(l.child("resources"), res("100m", "256Mi", "1", "1Gi")),
        chunksCacheMb: l.int("chunksCacheMb", 256, 0, 65536),
        resultsCacheMb: l.int("resultsCacheMb", 64, 0, 65536),
        canary: l.bool("canary", true),
    };
    l.done();
    if (scalable && !objectStorage) {
        errors.push('loki.mode "SimpleScalable" needs object storage: set objectStorage (endpoint, buckets) and the secrets objectStorageAccessKeyId/objectStorageSecretAccessKey');
    }
    if (!scalable && raw.loki && typeof raw.loki === "object" && "replicas" in (raw.loki as object)) {
        errors.push('loki.replicas applies only to loki.mode "SimpleScalable"; SingleBinary on the filesystem runs exactly one replica');
    }
    if (loki.replicationFactor > Math.max(1, lokiReplicas.write)) {
        errors.push(`loki.replicationFactor (${loki.replicationFactor}) must not exceed the write replicas (${Math.max(1, lokiReplicas.write)})`);
    }

    const t = root.child("tempo");
    const tMode = t.oneOf("mode", ["monolithic", "distributed"] as const, "monolithic");
    const tr = t.child("replicas");
    const distributed = tMode === "distributed";
    const tempoReplicas = {
        ingester: distributed ? tr.int("ingester", 2, 1, 50) : 1,
        distributor: distributed ? tr.int("distributor", 2, 1, 50) : 1,
        querier: distributed ? tr.int("querier", 2, 1, 50) : 1,
        queryFrontend: distributed ? tr.int("queryFrontend", 2, 1, 50) : 1,
        compactor: distributed ? tr.int("compactor", 1, 1, 1) : 1,
    };
    tr.done();
    const tempo: TempoSettings = {
        mode: tMode,
        replicas: tempoReplicas,
        replicationFactor: t.int("replicationFactor", tempoReplicas.ingester >= 3 ? 3 : 1, 1, 5),
        retention: t.duration("retention", "168h", "go", "720h"),
        persistenceSize: t.string("persistenceSize", "10Gi", SIZE),
        resources: resources(t.child("resources"), res("100m", "256Mi", "1", "1Gi")),
    };
    t.done();
    if (distributed && !objectStorage) {
        errors.push('tempo.mode "distributed" needs object storage: set objectStorage (endpoint, buckets) and the object-storage secrets');
    }
    if (!distributed && raw.tempo && typeof raw.tempo === "object" && "replicas" in (raw.tempo as object)) {
        errors.push('tempo.replicas applies only to tempo.mode "distributed"; monolithic Tempo runs one replica');
    }
    if (tempo.replicationFactor > tempoReplicas.ingester) {
        errors.push(`tempo.replicationFactor (${tempo.replicationFactor}) must not exceed the ingester replicas (${tempoReplicas.ingester})`);
    }

    const a = root.child("alloy");
    const alloy: AlloySettings = {
        clustering: a.bool("clustering", cluster.nodes > 1),
        resources: resources(a.child("resources"), res("100m", "256Mi", "1", "512Mi")),
    };
    a.done();

    if (cluster.nodes > 1 && !alloy.clustering) {
        errors.push(`alloy.clustering must be true when cluster.nodes is ${cluster.nodes}: one clustered Alloy collects the Kubernetes events; without clustering every node's Alloy would send each event again`);
    }

    const g = root.child("grafana");
    const gi = g.child("ingress");
    const grafana: GrafanaSettings = {
        adminUser: g.string("adminUser", "admin", { pattern: /^[A-Za-z0-9._@-]{1,64}$/, expected: "a user name of letters, digits, '.', '_', '@' or '-'" }),
        adminPasswordRotation: g.int("adminPasswordRotation", 0, 0, 1000000),
        downloadDashboards: g.bool("downloadDashboards", true),
        persistenceSize: g.string("persistenceSize", "5Gi", SIZE),
        resources: resources(g.child("resources"), res("100m", "256Mi", "1", "512Mi")),
    };
    if (g.has("ingress")) {
        grafana.ingress = {
            hostname: gi.required("hostname", { pattern: HOSTNAME, expected: 'a DNS name like "grafana.example.com"' }),
            className: gi.string("className", "traefik", { pattern: DNS_LABEL, expected: 'an IngressClass name like "traefik"' }),
            clusterIssuer: gi.string("clusterIssuer", undefined, { pattern: DNS_LABEL, expected: 'a cert-manager ClusterIssuer name like "letsencrypt-prod"' }),
        };
    }
    gi.done();
    g.done();

    const lc = root.child("lifecycle");
    const lifecycle = { acknowledge: lc.list("acknowledge", guardedKeys) };
    lc.done();

    // Read by config/index.ts as secrets, never as settings.
    root.accept(...Object.values(secretKeys));
    root.done();

    if (errors.length > 0) {
        throw new ConfigError(`invalid stack configuration:\n  - ${errors.join("\n  - ")}`);
    }
    return { namespace, protect, smokeTest, cluster, charts, objectStorage, prometheus, loki, tempo, alloy, grafana, lifecycle };
}
