import { Settings } from "../../config/settings";
import { releaseNames } from "../wiring";

// Alerts on the stack itself: components down, ingestion stopped, Alloy losing data, volumes filling up,
// compaction and retention stalled. The PrometheusRule is created by Pulumi directly (no Helm tpl), so
// `{{ $labels.x }}` in annotations reaches Prometheus as written.

export interface StackHealthInput {
    namespace: string;
    /** Where the Alloy node agent (and node-exporter) run. */
    nodeNamespace: string;
    lokiMode: Settings["loki"]["mode"];
    tempoMode: Settings["tempo"]["mode"];
    prometheusMode: Settings["prometheus"]["mode"];
}

export const stackHealthInput = (s: Settings): StackHealthInput => ({
    namespace: s.namespace,
    nodeNamespace: s.nodeNamespace,
    lokiMode: s.loki.mode,
    tempoMode: s.tempo.mode,
    prometheusMode: s.prometheus.mode,
});

/**
 * Metrics each component exposes that the rules and the dashboard may use, read from the sources of the
 * versions deployed (Loki 3.7, Tempo 2.10, Alloy 1.18, Prometheus 3.14). Nothing outside this list may be queried.
 */
export const componentMetrics = {
    // Synthesized by Prometheus for every scrape target.
    scrape: ["up"],
    // pkg/loghttp/push/push.go, pkg/validation/validate.go, dskit server, pkg/compactor/metrics.go
    loki: [
        "loki_distributor_bytes_received_total",
        "loki_distributor_lines_received_total",
        "loki_discarded_samples_total",
        "loki_request_duration_seconds_count",
        "loki_boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds",
        "loki_compactor_apply_retention_last_successful_run_timestamp_seconds",
    ],
    // modules/distributor/distributor.go, modules/overrides/discarded_spans.go, dskit server, tempodb/compactor.go, tempodb/tempodb.go
    tempo: [
        "tempo_distributor_spans_received_total",
        "tempo_distributor_bytes_received_total",
        "tempo_discarded_spans_total",
        "tempo_request_duration_seconds_count",
        "tempodb_compaction_errors_total",
        "tempodb_retention_errors_total",
    ],
    // loki.write (internal/component/common/loki/client/metrics.go), prometheus.remote_write, otelcol exporters
    // (alloy-mixin). otelcol.exporter.prometheus is no exporterhelper exporter and exposes no exporter metrics:
    // its failures are prometheus.remote_write's.
    alloy: [
        "loki_write_sent_entries_total",
        "loki_write_dropped_entries_total",
        "prometheus_remote_storage_samples_total",
        "prometheus_remote_storage_samples_failed_total",
        "otelcol_exporter_sent_spans_total",
        "otelcol_exporter_send_failed_spans_total",
        "otelcol_exporter_sent_log_records_total",
        "otelcol_exporter_send_failed_log_records_total",
    ],
    // tsdb/head.go, web/web.go (handler="/api/v1/write" is the remote-write receiver)
    prometheus: ["prometheus_tsdb_head_samples_appended_total", "prometheus_http_requests_total"],
    // kubelet /metrics, scraped by kube-prometheus-stack's kubelet ServiceMonitor
    kubelet: ["kubelet_volume_stats_available_bytes", "kubelet_volume_stats_capacity_bytes"],
    // kube-state-metrics (pod metrics, honorLabels: the pod's own namespace and name)
    kubeStateMetrics: ["kube_pod_spec_volumes_persistentvolumeclaims_info", "kube_pod_info"],
    // node-exporter's filesystem collector (mountpoints are host paths: --path.rootfs=/host/root)
    nodeExporter: ["node_filesystem_avail_bytes", "node_filesystem_size_bytes"],
} as const;

export const knownMetrics: ReadonlySet<string> = new Set(Object.values(componentMetrics).flat());

/** Signals Alloy's otelcol exporters count (otelcol_exporter_sent_<signal>_total): traces to Tempo, logs to Loki. */
export const otelExporterSignals = ["spans", "log_records"] as const;

/** Also the `app.kubernetes.io/name` label of the component's pods in every chart used. */
export type Component = "loki" | "tempo" | "alloy" | "grafana" | "prometheus";

export interface ScrapeJobs {
    /** Every scrape job of each component, as its ServiceMonitor names it. */
    all: Record<Component, string[]>;
    /** The namespace of each job's targets (the main one, or the node namespace for the Alloy node agent). */
    namespaceOf: Record<string, string>;
    lokiDistributor: string;
    lokiCompactor: string;
    tempoDistributor: string;
    tempoCompactor: string;
}

/**
 * `job` labels, which follow each chart's ServiceMonitor: Loki and tempo-distributed relabel it to
 * `<namespace>/<service or component>`; the tempo, alloy and grafana charts and kube-prometheus-stack leave
 * the Service name.
 */
export function scrapeJobs(input: StackHealthInput): ScrapeJobs {
    const ns = input.namespace;
    const loki = releaseNames.loki;
    const single = input.lokiMode === "SingleBinary";
    const lokiJobs = single ? [`${ns}/${loki}`] : ["write", "read", "backend"].map(t => `${ns}/${loki}-${t}`);
    const distributed = input.tempoMode === "distributed";
    const tempoJob = (component: string) => (distributed ? `${ns}/${component}` : releaseNames.tempo);
    const tempoJobs = distributed
        ? ["distributor", "ingester", "querier", "query-frontend", "compactor", "metrics-generator"].map(tempoJob)
        : [releaseNames.tempo];
    const all = {
        loki: lokiJobs,
        tempo: tempoJobs,
        // The receiving Deployment and the node agent's DaemonSet (in the node namespace).
        alloy: [releaseNames.alloy, releaseNames.alloyNode],
        grafana: [releaseNames.grafana],
        prometheus: input.prometheusMode === "managed" ? [`${releaseNames.prometheus}-prometheus`] : [],
    };
    return {
        all,
        namespaceOf: Object.fromEntries(Object.values(all).flat().map(j => [j, j === releaseNames.alloyNode ? input.nodeNamespace : ns])),
        lokiDistributor: single ? lokiJobs[0] : `${ns}/${loki}-write`,
        lokiCompactor: single ? lokiJobs[0] : `${ns}/${loki}-backend`,
        tempoDistributor: tempoJob("distributor"),
        tempoCompactor: tempoJob("compactor"),
    };
}

/** PersistentVolumeClaim names (regex) of the StatefulSets that keep data on disk. */
export function volumeClaims(input: StackHealthInput): Partial<Record<Component, string>> {
    const loki = releaseNames.loki;
    const tempo = releaseNames.tempo;
    // The operator names the claim prometheus-<name>-db-prometheus-<name>-<ordinal>.
    const prom = `prometheus-${releaseNames.prometheus}-prometheus`;
    return {
        loki: input.lokiMode === "SingleBinary" ? `storage-${loki}-[0-9]+` : `data-${loki}-(write|backend)-[0-9]+`,
        tempo: input.tempoMode === "monolithic" ? `storage-${tempo}-[0-9]+` : `data-${tempo}-ingester-[0-9]+`,
        ...(input.prometheusMode === "managed" ? { prometheus: `${prom}-db-${prom}-[0-9]+` } : {}),
    };
}

/**
 * Where K3s' local-path provisioner puts hostPath volumes (its default; k3s-io/docs#590), and so the mount
 * points that can hold them: the directory and each parent, as node-exporter reports host paths.
 */
export const localPathStorageDir = "/var/lib/rancher/k3s/storage";
const storageMountpoints = localPathStorageDir.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/") || "/");

/**
 * Free fraction per claim, by (namespace, persistentvolumeclaim). Kubelet's volume statistics where the
 * volume plugin reports them (CSI: Longhorn in prod); otherwise, as for local-path's hostPath volumes (dev on
 * K3s), the fullest filesystem that can hold local-path's directory on the node running the claim's pod.
 */
export function volumeFree(namespace: string, claims: string): string {
    const sel = `{namespace="${namespace}", persistentvolumeclaim=~"${claims}"}`;
    const kubelet = `min by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes${sel} / kubelet_volume_stats_capacity_bytes${sel})`;
    // One node per pod, also while a recreated pod's old series (another uid or node) is still fresh.
    const podNode = `topk by (namespace, pod) (1, max by (namespace, pod, node) (kube_pod_info{namespace="${namespace}", node!=""}))`;
    const claimNode = `max by (namespace, persistentvolumeclaim, node) (kube_pod_spec_volumes_persistentvolumeclaims_info${sel} * on (namespace, pod) group_left (node) ${podNode})`;
    const fs = `{job="node-exporter", mountpoint=~"${storageMountpoints.join("|")}", fstype!=""}`;
    // node-exporter runs in this namespace; its pod's node comes from kube-state-metrics too.
    const nodeFree = `min by (node) (node_filesystem_avail_bytes${fs} / node_filesystem_size_bytes${fs} * on (namespace, pod) group_left (node) ${podNode})`;
    return `(${kubelet} or min by (namespace, persistentvolumeclaim) (${claimNode} * on (node) group_left () ${nodeFree}))`;
}

export const titles: Record<Component, string> = {
    loki: "Loki", tempo: "Tempo", alloy: "Alloy", grafana: "Grafana", prometheus: "Prometheus",
};

/** `{namespace="…", job=~"…"}` for a set of jobs (in one namespace or several). */
export function selector(namespace: string | string[], jobs: string[], extra = ""): string {
    const spaces = [...new Set(typeof namespace === "string" ? [namespace] : namespace)];
    const where = spaces.length === 1 ? `namespace="${spaces[0]}"` : `namespace=~"${spaces.join("|")}"`;
    const job = jobs.length === 1 ? `job="${jobs[0]}"` : `job=~"${jobs.join("|")}"`;
    return `{${where}, ${job}${extra ? `, ${extra}` : ""}}`;
}

/** The selector of a set of jobs, each in its own namespace. */
export const jobSelector = (jobs: ScrapeJobs, list: string[], extra = "") => selector(list.map(j => jobs.namespaceOf[j]), list, extra);

export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: { severity: "critical" | "warning" };
    annotations: { summary: string; description: string; runbook: string };
}

export interface RuleGroup {
    name: string;
    rules: AlertRule[];
}

/** Annotations may only refer to `{{ $labels.x }}`: the promtool unit tests derive the expected text from that. */
function rule(alert: string, severity: AlertRule["labels"]["severity"], forDuration: string, expr: string, summary: string, description: string, action: string): AlertRule {
    return {
        alert,
        expr,
        for: forDuration,
        labels: { severity },
        annotations: { summary, description, runbook: `${action} See README.md#${alert.toLowerCase()}` },
    };
}

/** Five-minute steps with data, within 6 hours, that make a flow whose stop is worth an alert. */
export const BUSY_STEPS = 9;

/** failed / (failed + ok); when `ok` was never recorded (nothing ever got through) the ratio is 1. */
function lossRatio(by: string, failed: string, ok: string): string {
    const f = `sum by (${by}) (rate(${failed}[5m]))`;
    return `${f} / (${f} + sum by (${by}) (rate(${ok}[5m])) or ${f})`;
}

export function alertRules(input: StackHealthInput): { groups: RuleGroup[] } {
    const ns = input.namespace;
    const jobs = scrapeJobs(input);
    const kubectl = `kubectl -n ${ns}`;
    const alloyKubectl = "kubectl -n {{ $labels.namespace }}";
    const alloyLogs = `${kubectl} logs deploy/${releaseNames.alloy} (receiver, events) or kubectl -n ${input.nodeNamespace} logs ds/${releaseNames.alloyNode} (container logs, pod metrics)`;

    const down = (Object.keys(jobs.all) as Component[])
        .filter(c => jobs.all[c].length > 0)
        .map(c => {
            const absent = jobs.all[c].map(j => `absent(up{namespace="${jobs.namespaceOf[j]}", job="${j}"})`).join(" or ");
            return rule(
                `${titles[c]}Down`, c === "grafana" ? "warning" : "critical", "5m",
                `up${jobSelector(jobs, jobs.all[c])} == 0 or ${absent}`,
                `${titles[c]} is down or no longer scraped.`,
                `Scrape job {{ $labels.job }} in {{ $labels.namespace }} has a target down for 5 minutes, or no target at all.`,
                // Alloy's jobs live in two namespaces: the alert's own label says which.
                `Check the pods and their events (${c === "alloy" ? alloyKubectl : kubectl} get pods -l app.kubernetes.io/name=${c}; ${c === "alloy" ? alloyKubectl : kubectl} describe pod <pod>) and that the ServiceMonitor exists.`,
            );
        });

    // "Stopped" means a flow that was there stopped: data arrived in at least 9 five-minute steps (45 minutes'
    // worth) of the last 6 hours, and nothing in the last 15 minutes. An idle cluster whose only traffic is the
    // smoke test's one span per `pulumi up` never qualifies. Resolves when data comes back, or once the busy
    // steps have left the 6-hour window.
    const stopped = (name: string, severity: AlertRule["labels"]["severity"], metric: string, job: string, what: string) => {
        const sel = `${metric}${selector(ns, [job])}`;
        return rule(
            `${name}IngestionStopped`, severity, "5m",
            `count_over_time((sum by (namespace) (rate(${sel}[5m])) > 0)[6h:5m]) >= ${BUSY_STEPS} unless sum by (namespace) (increase(${sel}[15m])) > 0`,
            `${name} has received no ${what} for 15 minutes.`,
            `${name} in {{ $labels.namespace }} received ${what} steadily in the last 6 hours but none in the last 15 minutes.`,
            `Check Alloy's exporters (AlloyLokiWriteFailing, AlloyOtelcolExportFailing), the ${name} distributor logs and network policies.`,
        );
    };

    const alloy = jobSelector(jobs, jobs.all.alloy);
    /** Signals of the otelcol exporters that report them: otlp (spans) and otlphttp (log records). */
    const otelSignals = otelExporterSignals;
    const otelcol = otelSignals
        .map(s => `label_replace(${lossRatio("namespace, job, instance, component_id", `otelcol_exporter_send_failed_${s}_total${alloy}`, `otelcol_exporter_sent_${s}_total${alloy}`)} > 0.01, "signal", "${s}", "", "")`)
        .join(" or ");

    const volumes = (Object.entries(volumeClaims(input)) as [Component, string][]).flatMap(([c, claims]) => {
        const free = volumeFree(ns, claims);
        const name = `${titles[c]}VolumeFillingUp`;
        const action = `Raise the retention or grow the volume (${kubectl} get pvc {{ $labels.persistentvolumeclaim }}); check that compaction and retention run.`;
        return [
            rule(name, "warning", "15m", `${free} < 0.10`, `${titles[c]} volume is over 90% full.`,
                `Volume {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} has less than 10% space left.`, action),
            rule(name, "critical", "5m", `${free} < 0.05`, `${titles[c]} volume is over 95% full.`,
                `Volume {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} has less than 5% space left.`, action),
        ];
    });

    const lokiCompactorPods = input.lokiMode === "SingleBinary" ? `${releaseNames.loki}-0` : "-l app.kubernetes.io/component=backend --tail=1000";
    // The "last successful run" gauges are 0 on instances that do not own the compactor ring.
    const lokiStalled = (name: string, metric: string, what: string) => {
        const sel = `${metric}${selector(ns, [jobs.lokiCompactor])}`;
        return rule(
            name, "warning", "30m",
            `min by (namespace) (time() - (${sel} > 0)) > 3 * 3600 or max by (namespace) (max_over_time(${sel}[3h])) == 0`,
            `Loki ${what} has not succeeded for 3 hours.`,
            `The Loki compactor in {{ $labels.namespace }} has not completed a ${what} run for more than 3 hours.`,
            `Read the compactor logs (${kubectl} logs ${lokiCompactorPods} | grep -i compactor) for storage or permission errors.`,
        );
    };
    const tempoCompactorPods = input.tempoMode === "distributed" ? "-l app.kubernetes.io/component=compactor --tail=1000" : `${releaseNames.tempo}-0`;
    const tempoFailing = (name: string, metric: string, what: string) => {
        const sel = `${metric}${selector(ns, [jobs.tempoCompactor])}`;
        return rule(
            name, "warning", "30m",
            `sum by (namespace) (increase(${sel}[1h])) > 2 and sum by (namespace) (increase(${sel}[15m])) > 0`,
            `Tempo ${what} keeps failing.`,
            `The Tempo compactor in {{ $labels.namespace }} has had repeated ${what} errors for the last hour.`,
            `Read the compactor logs (${kubectl} logs ${tempoCompactorPods}) for object-storage or disk errors.`,
        );
    };

    return {
        groups: [
            { name: "monitoring-stack-availability", rules: down },
            {
                name: "monitoring-stack-ingestion",
                rules: [
                    stopped("Loki", "critical", "loki_distributor_bytes_received_total", jobs.lokiDistributor, "log data"),
                    stopped("Tempo", "warning", "tempo_distributor_spans_received_total", jobs.tempoDistributor, "spans"),
                ],
            },
            {
                name: "monitoring-stack-collection",
                rules: [
                    rule(
                        "AlloyLokiWriteFailing", "warning", "15m",
                        `${lossRatio("namespace, job, instance, component_id, host", `loki_write_dropped_entries_total${alloy}`, `loki_write_sent_entries_total${alloy}`)} > 0.01`,
                        "Alloy is dropping log entries.",
                        "Alloy {{ $labels.instance }} ({{ $labels.component_id }}) has dropped more than 1% of its log entries for {{ $labels.host }} for 15 minutes.",
                        `See the drop reason (loki_write_dropped_entries_total by reason) and the logs of that Alloy: ${alloyLogs}.`,
                    ),
                    rule(
                        "AlloyRemoteWriteFailing", "warning", "15m",
                        `sum by (namespace, job, instance, component_id, url) (rate(prometheus_remote_storage_samples_failed_total${alloy}[5m])) / sum by (namespace, job, instance, component_id, url) (rate(prometheus_remote_storage_samples_total${alloy}[5m])) > 0.01`,
                        "Alloy is failing to remote-write samples.",
                        "Alloy {{ $labels.instance }} ({{ $labels.component_id }}) fails to send more than 1% of its samples to {{ $labels.url }}.",
                        `Check that Prometheus accepts remote write (enableRemoteWriteReceiver) and the logs of that Alloy: ${alloyLogs}.`,
                    ),
                    rule(
                        "AlloyOtelcolExportFailing", "warning", "15m", otelcol,
                        "Alloy is failing to export OpenTelemetry data.",
                        "Alloy {{ $labels.instance }} ({{ $labels.component_id }}) fails to export more than 1% of its {{ $labels.signal }}.",
                        `Check the exporter's endpoint (Tempo distributor for spans, Loki gateway for logs) and the receiving Alloy's logs: ${kubectl} logs deploy/${releaseNames.alloy}.`,
                    ),
                ],
            },
            { name: "monitoring-stack-storage", rules: volumes },
            {
                name: "monitoring-stack-maintenance",
                rules: [
                    lokiStalled("LokiCompactionNotRunning", "loki_boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds", "compaction"),
                    lokiStalled("LokiRetentionNotRunning", "loki_compactor_apply_retention_last_successful_run_timestamp_seconds", "retention"),
                    tempoFailing("TempoCompactionFailing", "tempodb_compaction_errors_total", "compaction"),
                    tempoFailing("TempoRetentionFailing", "tempodb_retention_errors_total", "retention"),
                ],
            },
        ],
    };
}

/** Metric names an expression selects: identifiers outside strings, matchers, ranges and grouping that are not functions or keywords. */
export function metricNames(expr: string): string[] {
    const keywords = new Set(["and", "or", "unless", "offset", "bool", "inf", "nan"]);
    const stripped = expr
        .replace(/"(?:[^"\\]|\\.)*"/g, '""')
        .replace(/\{[^}]*\}/g, " ")
        .replace(/\[[^\]]*\]/g, " ")
        .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
    const names = new Set<string>();
    for (const m of stripped.matchAll(/(?<![0-9.])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
        const isCall = /^\s*\(/.test(stripped.slice(m.index! + m[0].length));
        if (!isCall && !keywords.has(m[0].toLowerCase())) names.add(m[0]);
    }
    return [...names];
}
