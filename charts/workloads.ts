// Where each chart takes the `resources` of every container it runs, and which of them it renders for the
// given values. Read from the chart templates (loki 18.11.0, tempo 2.2.4, tempo-distributed 2.26.2 and 3.x,
// alloy 1.11.1, grafana 12.11.1, kube-prometheus-stack 88.5.3 with kube-state-metrics and node-exporter).
import { get, isEmpty, majorVersion, on, Release, Values } from "./values";

export interface Workload {
    /** What runs there, for the message: "the gateway's access-log exporter". */
    what: string;
    /** Values key path of its resources block. */
    path: string[];
    /** The block the chart renders: the values merged over the chart's default, fallbacks applied. */
    resources?: unknown;
    /** The key the chart fell back to because `path` was empty (Loki `defaults.resources`). */
    from?: string[];
    /** The switch that turns the workload off, for the remedy. */
    offSwitch?: string[];
    /** The chart has no resources key for it: turning it off is the only remedy. */
    noResourcesKey?: boolean;
    /** A Helm test hook: it runs on `helm test`, not on install. */
    test?: boolean;
    /**
     * How many of these containers run at once: a count, one per node (DaemonSet), or "once" for Jobs, init
     * containers and test pods, which do not stay. The footprint adds these up.
     */
    instances: number | "node" | "once";
    /** The namespace the chart puts it in when the values override the release's (`namespaceOverride`). */
    namespace?: string;
}

type Path = string[];

/** Helm's merge of user values over the chart's defaults (maps merge, everything else replaces). */
function merge(base: unknown, over: unknown): unknown {
    if (over === undefined) return base;
    if (!isMap(base) || !isMap(over)) return over;
    const out: Values = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = v === null ? undefined : merge(base[k], v);
    return out;
}

const isMap = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);

function replicas(v: Values, component: Path, chartDefault: number): number {
    if (on(v, [...component, "autoscaling", "enabled"], false)) {
        return Number(get(v, [...component, "autoscaling", "minReplicas"]) ?? 1);
    }
    const n = get(v, [...component, "replicas"]);
    return n === undefined || n === null ? chartDefault : Number(n);
}

/** The first non-empty block, as the charts' `coalesce` does. */
function coalesce(v: Values, what: string, paths: Path[], instances: Workload["instances"]): Workload {
    const found = paths.find(p => !isEmpty(get(v, p)));
    return {
        what,
        instances,
        path: paths[0],
        resources: found ? get(v, found) : undefined,
        ...(found && found !== paths[0] ? { from: found } : {}),
    };
}

const plain = (v: Values, what: string, path: Path, instances: Workload["instances"], chartDefault?: Values): Workload => ({
    what,
    instances,
    path,
    resources: merge(chartDefault, get(v, path)),
});

function prefixed(prefix: Path, workloads: Workload[]): Workload[] {
    return workloads.map(w => ({
        ...w,
        path: [...prefix, ...w.path],
        ...(w.from ? { from: [...prefix, ...w.from] } : {}),
        ...(w.offSwitch ? { offSwitch: [...prefix, ...w.offSwitch] } : {}),
    }));
}

// ---- Loki ----

const LOKI_OBJECT_STORES = ["s3", "gcs", "azure", "swift", "alibabacloud", "cos", "bos"];
/** Distributed targets and whether the chart enables them by default (all default to 0 replicas). */
const LOKI_DISTRIBUTED: [string, boolean][] = [
    ...["ingester", "distributor", "querier", "queryFrontend", "queryScheduler", "indexGateway", "compactor", "ruler"]
        .map(c => [c, true] as [string, boolean]),
    ...["bloomGateway", "bloomPlanner", "bloomBuilder", "patternIngester", "overridesExporter"].map(c => [c, false] as [string, boolean]),
];

/** Which Loki targets the chart renders (templates/_helpers.tpl loki.deployment.*). */
export function lokiShape(r: Release) {
    const v = r.values;
    const mode: string = v.deploymentMode ?? ((majorVersion(r) ?? 0) >= 12 ? "Monolithic" : "SimpleScalable");
    const objectStorage = LOKI_OBJECT_STORES.includes(String(get(v, ["loki", "storage", "type"]) ?? "s3"));
    return {
        mode,
        modeIsDefault: v.deploymentMode === undefined,
        monolithic: ["SingleBinary", "Monolithic", "SingleBinary<->SimpleScalable", "Monolithic<->SimpleScalable"].includes(mode),
        scalable: objectStorage
            && ["SingleBinary<->SimpleScalable", "Monolithic<->SimpleScalable", "SimpleScalable", "SimpleScalable<->Distributed"].includes(mode),
        distributed: objectStorage && ["Distributed", "SimpleScalable<->Distributed"].includes(mode),
    };
}

/** Loki targets that run pods, with their default replicas. */
export function lokiTargets(r: Release): { component: string; replicas: number }[] {
    const v = r.values;
    const shape = lokiShape(r);
    const candidates: [string, boolean, number][] = [
        ...(shape.monolithic ? [["singleBinary", true, 0] as [string, boolean, number]] : []),
        ...(shape.scalable ? ["write", "read", "backend"].map(c => [c, true, 3] as [string, boolean, number]) : []),
        ...(shape.distributed ? LOKI_DISTRIBUTED.map(([c, enabled]) => [c, enabled, 0] as [string, boolean, number]) : []),
    ];
    return candidates
        .filter(([c, enabled]) => on(v, [c, "enabled"], enabled))
        .map(([component, , dflt]) => ({ component, replicas: replicas(v, [component], dflt) }))
        .filter(t => t.replicas > 0);
}

function lokiCache(v: Values, path: Path, what: string, allocatedMemory: number): Workload {
    const w = plain(v, what, [...path, "resources"], replicas(v, path, 1));
    if (!isEmpty(w.resources)) return w;
    // Empty resources: the memcached template computes requests and a memory limit from allocatedMemory/CPU.
    const memory = `${Math.round(Number(get(v, [...path, "allocatedMemory"]) ?? allocatedMemory) * 1.2)}Mi`;
    const cpu = get(v, [...path, "allocatedCPU"]) ?? "500m";
    return { ...w, resources: { requests: { cpu, memory }, limits: { memory } } };
}

function loki(r: Release): Workload[] {
    const v = r.values;
    const out: Workload[] = [];
    const targets = lokiTargets(r);
    for (const t of targets) {
        out.push(coalesce(v, `the ${t.component} target`, [[t.component, "resources"], ["defaults", "resources"], ["loki", "resources"]], t.replicas));
    }
    const sidecarDefault = (c: string) => c === "singleBinary" || c === "backend";
    const withSidecar = targets.filter(t => on(v, [t.component, "sidecar"], sidecarDefault(t.component)));
    if (on(v, ["sidecar", "rules", "enabled"], true) && withSidecar.length) {
        out.push(plain(v, "the rules sidecar", ["sidecar", "resources"], withSidecar.reduce((n, t) => n + t.replicas, 0)));
    }
    const gateways = replicas(v, ["gateway"], 1);
    if (on(v, ["gateway", "enabled"], true) && gateways > 0) {
        out.push(coalesce(v, "the gateway (nginx)", [["gateway", "resources"], ["defaults", "resources"]], gateways));
        if (on(v, ["gateway", "metrics", "enabled"], true)) {
            out.push(plain(v, "the gateway's access-log exporter", ["gateway", "metrics", "resources"], gateways));
        }
    }
    if (on(v, ["lokiCanary", "enabled"], true)) {
        const canaries = get(v, ["lokiCanary", "kind"]) === "Deployment" ? replicas(v, ["lokiCanary"], 1) : "node";
        out.push(plain(v, "the canary DaemonSet", ["lokiCanary", "resources"], canaries));
    }
    if (on(v, ["memcached", "enabled"], true)) {
        const caches = [
            { path: ["chunksCache"], what: "the chunks cache (memcached)", enabled: true, memory: 8192 },
            { path: ["resultsCache"], what: "the results cache (memcached)", enabled: true, memory: 1024 },
            { path: ["chunksCache", "l2"], what: "the L2 chunks cache (memcached)", enabled: false, memory: 8192 },
        ].filter(c => on(v, [...c.path, "enabled"], c.enabled) && replicas(v, c.path, 1) > 0);
        for (const c of caches) out.push(lokiCache(v, c.path, c.what, c.memory));
        if (caches.length && on(v, ["memcachedExporter", "enabled"], true)) {
            const pods = caches.reduce((n, c) => n + replicas(v, c.path, 1), 0);
            out.push(plain(v, "the memcached exporter of each cache", ["memcachedExporter", "resources"], pods));
        }
    }
    if (on(v, ["test", "enabled"], true) && on(v, ["lokiCanary", "enabled"], true)) {
        out.push({ what: "the Helm test pod", path: ["test"], offSwitch: ["test", "enabled"], noResourcesKey: true, test: true, instances: "once" });
    }
    if (on(v, ["minio", "enabled"], false)) {
        out.push(plain(v, "the bundled MinIO", ["minio", "resources"], replicas(v, ["minio"], 1), { requests: { cpu: "100m", memory: "128Mi" } }));
    }
    if (on(v, ["tableManager", "enabled"], false)) out.push(plain(v, "the table manager", ["tableManager", "resources"], 1));
    return out;
}

// ---- Tempo ----

function tempoMonolithic(r: Release): Workload[] {
    const v = r.values;
    const pods = replicas(v, [], 1);
    const out = [plain(v, "Tempo", ["tempo", "resources"], pods)];
    if (on(v, ["tempoQuery", "enabled"], false)) out.push(plain(v, "the tempo-query sidecar", ["tempoQuery", "resources"], pods));
    return out;
}

/** Tempo components that run pods: [values key, default replicas]. */
export function tempoComponents(r: Release): { component: string; replicas: number }[] {
    const v = r.values;
    const tempo3 = (majorVersion(r) ?? 2) >= 3;
    const scheduler = on(v, ["backendScheduler", "enabled"], tempo3);
    const candidates: [string, boolean, number][] = [
        ["distributor", true, 1],
        ["ingester", !tempo3 && on(v, ["ingester", "enabled"], true), 3],
        ["querier", true, 1],
        ["queryFrontend", true, 1],
        ["compactor", !tempo3 && !scheduler, 1],
        ["metricsGenerator", on(v, ["metricsGenerator", "enabled"], false), 1],
        ["backendScheduler", scheduler, 1],
        ["backendWorker", scheduler, 1],
        ["blockBuilder", on(v, ["blockBuilder", "enabled"], tempo3), 3],
        ["liveStore", on(v, ["liveStore", "enabled"], tempo3), 3],
    ];
    return candidates
        .filter(([, enabled]) => enabled)
        .map(([component, , dflt]) => ({ component, replicas: replicas(v, [component], dflt) }))
        .filter(c => c.replicas > 0);
}

function tempoDistributed(r: Release): Workload[] {
    const v = r.values;
    const components = tempoComponents(r);
    const out = components.map(c =>
        coalesce(v, `the ${c.component}`, [[c.component, "resources"], ["tempo", "resources"], ["defaults", "resources"]], c.replicas));
    const caches = [
        { key: "memcached", enabled: true },
        { key: "memcachedBloom", enabled: false },
        { key: "memcachedParquetFooter", enabled: false },
        { key: "memcachedFrontendSearch", enabled: false },
    ].filter(c => on(v, [c.key, "enabled"], c.enabled));
    for (const c of caches) out.push(plain(v, `the ${c.key} cache`, [c.key, "resources"], replicas(v, [c.key], 1)));
    if (caches.length && on(v, ["memcachedExporter", "enabled"], false)) {
        const pods = caches.reduce((n, c) => n + replicas(v, [c.key], 1), 0);
        out.push(plain(v, "the memcached exporter of each cache", ["memcachedExporter", "resources"], pods));
    }
    if (on(v, ["queryFrontend", "query", "enabled"], false)) {
        const frontends = components.find(c => c.component === "queryFrontend")?.replicas ?? 1;
        out.push(plain(v, "the tempo-query (Jaeger UI) container", ["queryFrontend", "query", "resources"], frontends));
    }
    if (on(v, ["gateway", "enabled"], false)) out.push(plain(v, "the gateway (nginx)", ["gateway", "resources"], replicas(v, ["gateway"], 1)));
    if (on(v, ["minio", "enabled"], false)) {
        out.push(plain(v, "the bundled MinIO", ["minio", "resources"], replicas(v, ["minio"], 1), { requests: { cpu: "100m", memory: "128Mi" } }));
    }
    return out;
}

// ---- Alloy, Grafana, kube-prometheus-stack ----

function alloy(r: Release): Workload[] {
    const v = r.values;
    const namespace = get(v, ["namespaceOverride"]) as string | undefined;
    // The legacy `agent` section is merged over `alloy` (agent wins).
    const pods = (get(v, ["controller", "type"]) ?? "daemonset") === "daemonset" ? "node" : replicas(v, ["controller"], 1);
    const out: Workload[] = [{ what: "Alloy", instances: pods, path: ["alloy", "resources"], resources: merge(get(v, ["alloy", "resources"]), get(v, ["agent", "resources"])) }];
    if (on(v, ["configReloader", "enabled"], true)) {
        out.push(plain(v, "the config reloader", ["configReloader", "resources"], pods, { requests: { cpu: "10m", memory: "50Mi" } }));
    }
    return namespace ? out.map(w => ({ ...w, namespace })) : out;
}

const GRAFANA_SIDECARS = ["dashboards", "datasources", "alerts", "notifiers", "plugins"];

function grafana(v: Values): Workload[] {
    const pods = replicas(v, [], 1);
    const out = [plain(v, "Grafana", ["resources"], pods)];
    if (on(v, ["persistence", "enabled"], false) && on(v, ["initChownData", "enabled"], true)) {
        out.push(plain(v, "the init-chown-data init container", ["initChownData", "resources"], "once"));
    }
    if (!isEmpty(v.dashboards)) out.push(plain(v, "the download-dashboards init container", ["downloadDashboards", "resources"], "once"));
    const sidecars = GRAFANA_SIDECARS.filter(s => on(v, ["sidecar", s, "enabled"], false)).length;
    if (sidecars > 0) {
        out.push(plain(v, "every sidecar and its init variant (one shared key)", ["sidecar", "resources"], sidecars * pods));
    }
    if (on(v, ["imageRenderer", "enabled"], false)) out.push(plain(v, "the image renderer", ["imageRenderer", "resources"], replicas(v, ["imageRenderer"], 1)));
    if (on(v, ["testFramework", "enabled"], true)) {
        out.push({ ...plain(v, "the Helm test pod", ["testFramework", "resources"], "once"), test: true, offSwitch: ["testFramework", "enabled"] });
    }
    return out;
}

function kubePrometheusStack(r: Release): Workload[] {
    const v = r.values;
    const out: Workload[] = [];
    const add = (enabled: boolean, what: string, path: Path, instances: Workload["instances"]) =>
        enabled && out.push(plain(v, what, path, instances));
    const operator = on(v, ["prometheusOperator", "enabled"], true);
    const webhooks = ["prometheusOperator", "admissionWebhooks"];
    const prometheus = on(v, ["prometheus", "enabled"], true) ? replicas(v, ["prometheus", "prometheusSpec"], 1) : 0;
    const alertmanager = on(v, ["alertmanager", "enabled"], true) ? replicas(v, ["alertmanager", "alertmanagerSpec"], 1) : 0;
    add(operator, "the Prometheus operator", ["prometheusOperator", "resources"], 1);
    // Handed to the operator as flags; it applies them to the config-reloader of Prometheus and Alertmanager.
    add(operator, "the config-reloader sidecars", ["prometheusOperator", "prometheusConfigReloader", "resources"], prometheus + alertmanager);
    add(operator && on(v, [...webhooks, "enabled"], true) && on(v, [...webhooks, "patch", "enabled"], true)
        && !on(v, [...webhooks, "certManager", "enabled"], false), "the admission-webhook create/patch Jobs", [...webhooks, "patch", "resources"], "once");
    add(operator && on(v, [...webhooks, "deployment", "enabled"], false), "the admission-webhook Deployment", [...webhooks, "deployment", "resources"], 1);
    add(prometheus > 0, "Prometheus", ["prometheus", "prometheusSpec", "resources"], prometheus);
    add(!isEmpty(get(v, ["prometheus", "prometheusSpec", "thanos"])), "the Thanos sidecar", ["prometheus", "prometheusSpec", "thanos", "resources"], prometheus);
    add(alertmanager > 0, "Alertmanager", ["alertmanager", "alertmanagerSpec", "resources"], alertmanager);
    add(on(v, ["thanosRuler", "enabled"], false), "the Thanos ruler", ["thanosRuler", "thanosRulerSpec", "resources"], 1);
    add(on(v, ["crds", "upgradeJob", "enabled"], false), "the CRD upgrade Job", ["crds", "upgradeJob", "resources"], "once");
    for (const [flag, chart, what, instances] of [
        ["kubeStateMetrics", "kube-state-metrics", "kube-state-metrics", replicas(v, ["kube-state-metrics"], 1)],
        ["nodeExporter", "prometheus-node-exporter", "node-exporter", "node"],
    ] as const) {
        if (!on(v, [flag, "enabled"], true)) continue;
        const first = out.length;
        add(true, what, [chart, "resources"], instances);
        add(on(v, [chart, "kubeRBACProxy", "enabled"], false), `the kube-rbac-proxy of ${what}`, [chart, "kubeRBACProxy", "resources"], instances);
        // Both subcharts take `namespaceOverride` (node-exporter goes to the node agents' namespace).
        const namespace = get(v, [chart, "namespaceOverride"]) as string | undefined;
        if (namespace) for (let i = first; i < out.length; i++) out[i] = { ...out[i], namespace };
    }
    add(on(v, ["windowsMonitoring", "enabled"], false), "the Windows exporter", ["prometheus-windows-exporter", "resources"], "node");
    if (on(v, ["grafana", "enabled"], true)) out.push(...prefixed(["grafana"], grafana(v.grafana ?? {})));
    return out;
}

/** The containers the chart runs with these values; undefined for a chart this table does not know. */
export function chartWorkloads(r: Release): Workload[] | undefined {
    switch (r.chart) {
        case "loki": return loki(r);
        case "tempo": return tempoMonolithic(r);
        case "tempo-distributed": return tempoDistributed(r);
        case "alloy": return alloy(r);
        case "grafana": return grafana(r.values);
        case "kube-prometheus-stack": return kubePrometheusStack(r);
        default: return undefined;
    }
}
