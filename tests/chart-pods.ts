// The pods each chart renders from the program's values, as far as Pod Security sees them: host
// namespaces, volumes and the pod's and every container's security context. A model of the pinned charts'
// templates (file:line below), with the values merged over each chart's own values.yaml as Helm does.
// During development the same question is answered by rendering with the real Helm and evaluating the
// manifests (README, "Pod Security"); in CI the charts cannot be fetched, so this model stands in.
import { Values } from "../charts/values";
import { lokiTargets, tempoComponents } from "../charts/workloads";
import { ReleasePlan } from "../plan";
import { chartDefaults } from "./chart-keys";
import { PodSpec } from "./pss";

export interface ChartPod {
    release: string;
    /** What the chart renders: `Deployment/alloy`, `Prometheus` (the operator builds that pod). */
    what: string;
    namespace: string;
    spec: PodSpec;
}

const isMap = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);

/** Helm's merge of user values over a chart's defaults: maps merge, anything else replaces, null deletes. */
export function helmMerge(base: unknown, over: unknown): unknown {
    if (over === undefined) return base;
    if (!isMap(base) || !isMap(over)) return over;
    const out: Values = { ...base };
    for (const [k, v] of Object.entries(over)) {
        if (v === null) delete out[k];
        else out[k] = helmMerge(base[k], v);
    }
    return out;
}

/** Helm's `coalesce`: the first non-empty value. */
const coalesce = (...list: unknown[]) => list.find(v => v !== undefined && v !== null && !(isMap(v) && Object.keys(v).length === 0));
const container = (name: string, securityContext: unknown) => ({ name, securityContext: securityContext ?? {} });
const on = (v: unknown, dflt: boolean) => (v === undefined || v === null ? dflt : Boolean(v));

// Subchart defaults of kube-prometheus-stack 88.5.3 (not in the reference copy of its values.yaml):
// charts/kube-state-metrics/values.yaml:339-356, charts/prometheus-node-exporter/values.yaml:356-371,382,390,396.
const ksmDefaults = {
    securityContext: { enabled: true, runAsGroup: 65534, runAsUser: 65534, fsGroup: 65534, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containerSecurityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
};
const nodeExporterDefaults = {
    securityContext: { fsGroup: 65534, runAsGroup: 65534, runAsNonRoot: true, runAsUser: 65534 },
    containerSecurityContext: { readOnlyRootFilesystem: true },
    hostNetwork: true,
    hostPID: true,
    hostRootFsMount: { enabled: true },
};
// prometheus-operator v0.93: every container of a Prometheus or Alertmanager pod gets this context
// (pkg/prometheus/server/statefulset.go:347-353, pkg/alertmanager/statefulset.go:715-720, pkg/operator/config_reloader.go:368-374).
const operatorContainer = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };

function kubePrometheusStack(r: ReleasePlan, v: Values): ChartPod[] {
    const pods: ChartPod[] = [];
    const pod = (what: string, spec: PodSpec, namespace = r.namespace) => pods.push({ release: r.name, what, namespace, spec });
    const op = v.prometheusOperator;
    if (on(op.enabled, true)) {
        // templates/prometheus-operator/deployment.yaml:179-180 (container), :231-233 (pod)
        pod("Deployment/operator", { securityContext: op.securityContext, containers: [container("prometheus-operator", op.containerSecurityContext)] });
        const hooks = op.admissionWebhooks;
        if (on(hooks.enabled, true) && on(hooks.patch.enabled, true) && !on(hooks.certManager?.enabled, false)) {
            // admission-webhooks/job-patch/job-createSecret.yaml:51-52,70-72 and job-patchWebhook.yaml:60-61,79-81
            pod("Job/admission-create", { securityContext: hooks.patch.securityContext, containers: [container("create", hooks.createSecretJob.securityContext)] });
            pod("Job/admission-patch", { securityContext: hooks.patch.securityContext, containers: [container("patch", hooks.patchWebhookJob.securityContext)] });
        }
    }
    // The CRs' spec.securityContext is the pod's (prometheus/prometheus.yaml:259-261, alertmanager/alertmanager.yaml:101-103).
    const operatorPod = (kind: string, spec: Values) => pod(kind, {
        securityContext: spec.securityContext,
        automountServiceAccountToken: spec.automountServiceAccountToken,
        initContainers: [container("init-config-reloader", operatorContainer)],
        containers: [container(kind.toLowerCase(), operatorContainer), container("config-reloader", operatorContainer)],
        volumes: [{ name: "config", secret: {} }, { name: "config-out", emptyDir: {} }, { name: "tls-assets", projected: {} }],
    });
    if (on(v.prometheus.enabled, true)) operatorPod("Prometheus", v.prometheus.prometheusSpec);
    if (on(v.alertmanager.enabled, true)) operatorPod("Alertmanager", v.alertmanager.alertmanagerSpec);
    if (on(v.kubeStateMetrics?.enabled, true)) {
        // charts/kube-state-metrics/templates/deployment.yaml:51-52 (pod, without `enabled`), :252-254
        const ksm = helmMerge(ksmDefaults, v["kube-state-metrics"] ?? {}) as Values;
        const { enabled, ...podContext } = ksm.securityContext;
        pod("Deployment/kube-state-metrics", { securityContext: enabled === false ? {} : podContext, containers: [container("kube-state-metrics", ksm.containerSecurityContext)] });
    }
    if (on(v.nodeExporter?.enabled, true)) {
        // charts/prometheus-node-exporter/templates/daemonset.yaml:33-37 (pod), :115-118 (container), host namespaces and paths
        const ne = helmMerge(nodeExporterDefaults, v["prometheus-node-exporter"] ?? {}) as Values;
        pod("DaemonSet/node-exporter", {
            hostNetwork: ne.hostNetwork,
            hostPID: ne.hostPID,
            securityContext: ne.securityContext,
            containers: [container("node-exporter", ne.containerSecurityContext)],
            volumes: [
                { name: "proc", hostPath: { path: "/proc" } },
                { name: "sys", hostPath: { path: "/sys" } },
                ...(ne.hostRootFsMount.enabled ? [{ name: "root", hostPath: { path: "/" } }] : []),
            ],
        }, ne.namespaceOverride ?? r.namespace);
    }
    return pods;
}

function loki(r: ReleasePlan, v: Values): ChartPod[] {
    const pods: ChartPod[] = [];
    const pod = (what: string, spec: PodSpec) => pods.push({ release: r.name, what, namespace: r.namespace, spec });
    const withSidecar = (c: string) => on(v[c]?.sidecar, c === "singleBinary" || c === "backend") && on(v.sidecar?.rules?.enabled, true);
    for (const t of lokiTargets({ name: r.name, chart: "loki", chartRef: "loki", version: r.version, values: v })) {
        const c = v[t.component] ?? {};
        // templates/_pod.tpl:72 (pod), :244 (container), :338 (rules sidecar)
        pod(`${t.component}`, {
            securityContext: coalesce(c.podSecurityContext, v.defaults?.podSecurityContext, v.loki.podSecurityContext),
            containers: [
                container("loki", coalesce(c.containerSecurityContext, v.defaults?.containerSecurityContext, v.loki.containerSecurityContext)),
                ...(withSidecar(t.component) ? [container("loki-sc-rules", v.sidecar.securityContext)] : []),
            ],
            volumes: [{ name: "config", configMap: {} }, { name: "tmp", emptyDir: {} }, { name: "storage", persistentVolumeClaim: {} }],
        });
    }
    if (on(v.gateway.enabled, true)) {
        // gateway/deployment.yaml:65 (pod), :96 (nginx), :148 (access-log exporter)
        pod("Deployment/gateway", {
            securityContext: v.gateway.podSecurityContext,
            containers: [container("nginx", v.gateway.containerSecurityContext), ...(on(v.gateway.metrics?.enabled, true) ? [container("metrics", v.gateway.metrics.containerSecurityContext)] : [])],
        });
    }
    // loki-canary/daemonset.yaml:63, :86
    if (on(v.lokiCanary.enabled, true)) pod("DaemonSet/canary", { securityContext: v.lokiCanary.podSecurityContext, containers: [container("loki-canary", v.lokiCanary.containerSecurityContext)] });
    for (const cache of ["chunksCache", "resultsCache"]) {
        if (!on(v[cache]?.enabled, true)) continue;
        // memcached/_memcached-statefulset.tpl:63 (pod), :134 (memcached), :178 (exporter)
        pod(`StatefulSet/${cache}`, {
            securityContext: v.memcached.podSecurityContext,
            containers: [container("memcached", v.memcached.containerSecurityContext), ...(on(v.memcachedExporter?.enabled, true) ? [container("exporter", v.memcachedExporter.containerSecurityContext)] : [])],
        });
    }
    return pods;
}

function tempo(r: ReleasePlan, v: Values): ChartPod[] {
    // templates/statefulset.yaml:40 (token), :102-105 (tempo container), :171-174 (pod: `securityContext`)
    return [{
        release: r.name, what: "StatefulSet/tempo", namespace: r.namespace,
        spec: {
            automountServiceAccountToken: v.serviceAccount.automountServiceAccountToken,
            securityContext: v.securityContext,
            containers: [container("tempo", v.tempo.securityContext), ...(on(v.tempoQuery?.enabled, false) ? [container("tempo-query", v.tempoQuery.securityContext)] : [])],
            volumes: [{ name: "tempo-conf", configMap: {} }, { name: "storage", persistentVolumeClaim: {} }, { name: "tmp", emptyDir: {} }],
        },
    }];
}

function tempoDistributed(r: ReleasePlan, v: Values): ChartPod[] {
    const components = tempoComponents({ name: r.name, chart: "tempo-distributed", chartRef: "tempo-distributed", version: r.version, values: v });
    // templates/_pod.tpl:70 (pod), :148 (container); memcached/statefulset-memcached.yaml:45, :100, :123
    const pods: ChartPod[] = components.map(c => ({
        release: r.name, what: c.component, namespace: r.namespace,
        spec: {
            automountServiceAccountToken: v.serviceAccount.automountServiceAccountToken,
            securityContext: coalesce(v[c.component]?.podSecurityContext, v.tempo.podSecurityContext, v.defaults?.podSecurityContext),
            containers: [container(c.component, coalesce(v[c.component]?.containerSecurityContext, v.tempo.securityContext, v.defaults?.containerSecurityContext))],
        },
    }));
    if (on(v.memcached?.enabled, true)) {
        pods.push({
            release: r.name, what: "StatefulSet/memcached", namespace: r.namespace,
            spec: { securityContext: v.tempo.podSecurityContext, containers: [container("memcached", v.tempo.securityContext), ...(on(v.memcachedExporter?.enabled, false) ? [container("exporter", v.tempo.securityContext)] : [])] },
        });
    }
    return pods;
}

function alloy(r: ReleasePlan, v: Values): ChartPod[] {
    const a = helmMerge(v.alloy, v.agent) as Values;
    const extra = (v.controller.volumes?.extra ?? []) as Values[];
    // templates/controllers/_pod.yaml:18-21 (pod: global.podSecurityContext), containers/_agent.yaml:86-89, :93-97 (varlog),
    // containers/_watch.yaml:22-25 (config reloader)
    return [{
        release: r.name, what: `${v.controller.type === "daemonset" ? "DaemonSet" : v.controller.type === "statefulset" ? "StatefulSet" : "Deployment"}/${r.name}`,
        namespace: v.namespaceOverride ?? r.namespace,
        spec: {
            hostNetwork: v.controller.hostNetwork,
            hostPID: v.controller.hostPID,
            securityContext: v.global.podSecurityContext,
            containers: [container("alloy", a.securityContext), ...(on(v.configReloader.enabled, true) ? [container("config-reloader", v.configReloader.securityContext)] : [])],
            volumes: [
                { name: "config", configMap: {} },
                ...(a.mounts.varlog ? [{ name: "varlog", hostPath: { path: "/var/log" } }] : []),
                ...(a.mounts.dockercontainers ? [{ name: "dockercontainers", hostPath: { path: "/var/lib/docker/containers" } }] : []),
                ...extra,
            ],
        },
    }];
}

function grafana(r: ReleasePlan, v: Values): ChartPod[] {
    const sidecars = ["dashboards", "datasources", "alerts", "notifiers", "plugins"].filter(s => on(v.sidecar[s]?.enabled, false));
    const dashboards = v.dashboards && Object.keys(v.dashboards).length > 0;
    // templates/_pod.tpl: pod securityContext; :31,40 (init-chown-data only with persistence), :94-97 (download-dashboards),
    // :584-587 and the other sidecars (sidecar.securityContext), :1265 (grafana container)
    return [{
        release: r.name, what: "Deployment/grafana", namespace: r.namespace,
        spec: {
            securityContext: v.securityContext,
            initContainers: [
                ...(on(v.persistence.enabled, false) && on(v.initChownData.enabled, true) ? [container("init-chown-data", v.initChownData.securityContext)] : []),
                ...(dashboards ? [container("download-dashboards", v.downloadDashboards.securityContext)] : []),
            ],
            containers: [...sidecars.map(s => container(`grafana-sc-${s}`, v.sidecar.securityContext)), container("grafana", v.containerSecurityContext)],
            volumes: [
                { name: "config", configMap: {} },
                { name: "storage", [on(v.persistence.enabled, false) ? "persistentVolumeClaim" : "emptyDir"]: {} },
                ...((v.extraEmptyDirMounts ?? []) as Values[]).map(m => ({ name: m.name, emptyDir: {} })),
                ...((v.extraSecretMounts ?? []) as Values[]).map(m => ({ name: m.name, secret: { secretName: m.secretName } })),
                ...(sidecars.length ? [{ name: "sc-dashboard-volume", emptyDir: {} }] : []),
            ],
        },
    }];
}

const models: Record<string, (r: ReleasePlan, v: Values) => ChartPod[]> = {
    // Its templates are CustomResourceDefinitions only (charts/crds/templates/crd-*.yaml): no pod.
    "prometheus-operator-crds": () => [],
    "kube-prometheus-stack": kubePrometheusStack, loki, tempo, "tempo-distributed": tempoDistributed, alloy, grafana,
};

/** The pods a planned release renders, with its values merged over the chart's defaults. */
export function chartPods(r: ReleasePlan): ChartPod[] {
    const defaults = chartDefaults(r.chart, r.version);
    if (!defaults) throw new Error(`no reference values.yaml for ${r.chart} ${r.version}`);
    const model = models[r.chart];
    if (!model) throw new Error(`no pod model for chart ${r.chart}`);
    return model(r, helmMerge(defaults, r.values) as Values);
}
