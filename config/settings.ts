import { ChartKey, chartKeys, operatorPairProblem } from "../charts/table";
import { quantity } from "../charts/units";
import { parseAlerting } from "./alerting";
import { ConfigError, DNS_LABEL, HOSTNAME, Reader, SEMVER, Trace } from "./reader";
import {
    allSecretKeys, AlloySettings, GrafanaSettings, grafanaRoles, guardedKeys, ImageSettings, LokiSettings, ObjectStorage, PrometheusSettings,
    RawConfig, Resources, Settings, SsoSettings, TempoSettings,
} from "./types";

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

export * from "./types";

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

const GROUP = { pattern: /^[A-Za-z0-9 ._:@/=+-]{1,128}$/, expected: "group names of letters, digits, spaces and . _ : @ / = + -" };

/**
 * Generic OAuth: the three endpoint URLs, given or (for a Keycloak realm) derived from the issuer, since
 * Grafana's configuration file has no discovery; roles from groups, with unknown roles refused.
 */
function ssoSettings(r: Reader, errors: string[]): SsoSettings {
    const issuer = r.string("issuer", undefined, URL_PATTERN);
    const given = { authUrl: r.string("authUrl", undefined, URL_PATTERN), tokenUrl: r.string("tokenUrl", undefined, URL_PATTERN), apiUrl: r.string("apiUrl", undefined, URL_PATTERN) };
    const keycloak = issuer && /\/realms\/[^/]+\/?$/.test(issuer) ? issuer.replace(/\/$/, "") + "/protocol/openid-connect" : undefined;
    const derived = keycloak ? { authUrl: `${keycloak}/auth`, tokenUrl: `${keycloak}/token`, apiUrl: `${keycloak}/userinfo` } : undefined;
    const missing = (Object.keys(given) as (keyof typeof given)[]).filter(k => !given[k]);
    if (!issuer && missing.length === 3) {
        errors.push(`${r.path}.issuer is required (or ${r.path}.authUrl, tokenUrl and apiUrl): the identity provider's OpenID Connect issuer, like "https://sso.example.com/realms/main"`);
    } else if (missing.length > 0 && !derived) {
        errors.push(`${r.path}.${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} required: Grafana's generic OAuth does not discover endpoints, and ${issuer ? `the issuer ${JSON.stringify(issuer)} is not a Keycloak realm (…/realms/<name>) whose endpoints are known` : "no issuer is set"}`);
    }
    const roles = r.child("roles");
    const sso: SsoSettings = {
        name: r.string("name", "SSO", { pattern: /^[A-Za-z0-9 ._-]{1,40}$/, expected: "a short label of letters, digits, spaces, '.', '_' or '-'" }),
        ...(issuer ? { issuer } : {}),
        authUrl: given.authUrl ?? derived?.authUrl ?? "",
        tokenUrl: given.tokenUrl ?? derived?.tokenUrl ?? "",
        apiUrl: given.apiUrl ?? derived?.apiUrl ?? "",
        clientId: r.required("clientId", { pattern: /^[A-Za-z0-9._:@/-]{1,200}$/, expected: 'an OAuth client ID like "grafana"' }),
        scopes: r.has("scopes") ? r.list("scopes", { pattern: /^[A-Za-z0-9._:/-]+$/, expected: 'OAuth scopes like "openid"' }) : ["openid", "email", "profile", "groups"],
        groupsAttributePath: r.string("groupsAttributePath", "groups", { pattern: /^[A-Za-z_][A-Za-z0-9_.]*$/, expected: 'a JMESPath field like "groups"' }),
        roles: Object.fromEntries(grafanaRoles.map(role => [role, roles.list(role, GROUP)]).filter(([, groups]) => groups.length > 0)),
        allowedGroups: r.list("allowedGroups", GROUP),
        allowedDomains: r.list("allowedDomains", { pattern: HOSTNAME, expected: 'e-mail domains like "example.com"' }),
        disableLoginForm: r.bool("disableLoginForm", false),
    };
    roles.done();
    r.done();
    return sso;
}

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

    const nodeNamespace = root.string("nodeNamespace", `${namespace}-node`, {
        pattern: DNS_LABEL,
        expected: "a Kubernetes namespace name (lower-case letters, digits and '-', at most 63 characters) for the node agents",
    });
    if (!root.has("nodeNamespace") && !DNS_LABEL.test(nodeNamespace)) {
        errors.push(`nodeNamespace must be a Kubernetes namespace name of at most 63 characters, got the default ${JSON.stringify(nodeNamespace)} (namespace + "-node"): set nodeNamespace`);
    }
    if (nodeNamespace === namespace) {
        errors.push(`nodeNamespace must differ from namespace (${JSON.stringify(namespace)}): the main namespace enforces Pod Security "restricted", the node agents need "privileged"`);
    }

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

    const im = root.child("images");
    const images: ImageSettings = {
        registry: im.string("registry", undefined, {
            pattern: /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/,
            expected: 'a registry host with an optional path and no scheme, like "registry.example.com/mirror"',
        }),
        pullSecrets: im.list("pullSecrets", { pattern: /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, expected: 'Secret names like "mirror-pull"' }),
    };
    im.done();

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
    const alerting = parseAlerting(root.child("alerting"), pMode === "managed" && prometheus.alertmanager.enabled);

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
    const alloyReplicas = a.int("replicas", cluster.nodes > 1 ? 2 : 1, 1, 20);
    const alloy: AlloySettings = {
        replicas: alloyReplicas,
        clustering: a.bool("clustering", alloyReplicas > 1),
        resources: resources(a.child("resources"), res("100m", "256Mi", "1", "512Mi")),
    };
    a.done();

    if (alloy.replicas > 1 && !alloy.clustering) {
        errors.push(`alloy.clustering must be true when alloy.replicas is ${alloy.replicas}: one clustered Alloy collects the Kubernetes events; without clustering every replica would send each event again`);
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
    if (g.has("sso")) grafana.sso = ssoSettings(g.child("sso"), errors);
    g.done();

    const lc = root.child("lifecycle");
    const lifecycle = { acknowledge: lc.choices("acknowledge", guardedKeys) };
    lc.done();

    // Read by config/index.ts as secrets, never as settings.
    root.accept(...allSecretKeys);
    root.done();

    if (errors.length > 0) {
        throw new ConfigError(`invalid stack configuration:\n  - ${errors.join("\n  - ")}`);
    }
    return { namespace, nodeNamespace, protect, smokeTest, cluster, charts, objectStorage, images, prometheus, loki, tempo, alloy, grafana, alerting, lifecycle };
}
