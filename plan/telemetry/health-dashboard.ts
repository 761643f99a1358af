import { Component, jobSelector, otelExporterSignals, scrapeJobs, StackHealthInput, titles, volumeClaims, volumeFree } from "./alert-rules";
import { datasourceUids } from "../wiring";

// The stack's own health at a glance: targets up, what flows in, what gets lost, how full the volumes are.
// Queries only metrics listed in componentMetrics (alert-rules.ts); the spec checks that.

export const healthDashboardUid = "monitoring-stack-health";

interface Query {
    expr: string;
    legend: string;
}

interface PanelSpec {
    title: string;
    unit: string;
    queries: Query[];
    type?: "timeseries" | "stat";
    description?: string;
}

const datasource = { type: "prometheus", uid: datasourceUids.prometheus };
const PANEL_WIDTH = 8;
const PANEL_HEIGHT = 8;

export function healthDashboard(input: StackHealthInput) {
    const ns = input.namespace;
    const jobs = scrapeJobs(input);
    const sel = (js: string[], extra = "") => jobSelector(jobs, js, extra);
    const rate = (metric: string, s: string) => `rate(${metric}${s}[$__rate_interval])`;
    const components = (Object.keys(jobs.all) as Component[]).filter(c => jobs.all[c].length > 0);
    const alloy = sel(jobs.all.alloy);
    const prometheus = jobs.all.prometheus;
    const errors = `status_code=~"5..|error"`;

    const ingestion: PanelSpec[] = [
        { title: "Loki bytes received", unit: "binBps", queries: [{ expr: `sum(${rate("loki_distributor_bytes_received_total", sel([jobs.lokiDistributor]))})`, legend: "bytes/s" }] },
        { title: "Loki lines received", unit: "short", queries: [{ expr: `sum(${rate("loki_distributor_lines_received_total", sel([jobs.lokiDistributor]))})`, legend: "lines/s" }] },
        { title: "Tempo spans received", unit: "short", queries: [{ expr: `sum(${rate("tempo_distributor_spans_received_total", sel([jobs.tempoDistributor]))})`, legend: "spans/s" }] },
        { title: "Tempo bytes received", unit: "binBps", queries: [{ expr: `sum(${rate("tempo_distributor_bytes_received_total", sel([jobs.tempoDistributor]))})`, legend: "bytes/s" }] },
        ...(prometheus.length > 0
            ? [
                { title: "Prometheus samples appended", unit: "short", queries: [{ expr: `sum by (type) (${rate("prometheus_tsdb_head_samples_appended_total", sel(prometheus))})`, legend: "{{type}}" }] },
                {
                    title: "Prometheus remote-write requests received",
                    unit: "reqps",
                    description: "Alloy's prometheus.remote_write and Tempo's metrics generator write here; codes other than 2xx are rejected writes.",
                    queries: [{ expr: `sum by (code) (${rate("prometheus_http_requests_total", sel(prometheus, `handler="/api/v1/write"`))})`, legend: "{{code}}" }],
                },
            ]
            : []),
    ];

    const failures: PanelSpec[] = [
        { title: "Alloy log entries dropped (loki.write)", unit: "short", queries: [{ expr: `sum by (reason) (${rate("loki_write_dropped_entries_total", alloy)})`, legend: "{{reason}}" }] },
        { title: "Alloy samples failed (prometheus.remote_write)", unit: "short", queries: [{ expr: `sum by (url) (${rate("prometheus_remote_storage_samples_failed_total", alloy)})`, legend: "{{url}}" }] },
        {
            title: "Alloy OTLP export failures",
            unit: "short",
            queries: otelExporterSignals.map(s => ({
                expr: `sum by (component_id) (${rate(`otelcol_exporter_send_failed_${s}_total`, alloy)})`,
                legend: `{{component_id}} ${s.replace("_", " ")}`,
            })),
        },
        { title: "Loki request errors", unit: "reqps", queries: [{ expr: `sum by (job, route) (${rate("loki_request_duration_seconds_count", sel(jobs.all.loki, errors))})`, legend: "{{job}} {{route}}" }] },
        { title: "Tempo request errors", unit: "reqps", queries: [{ expr: `sum by (job, route) (${rate("tempo_request_duration_seconds_count", sel(jobs.all.tempo, errors))})`, legend: "{{job}} {{route}}" }] },
        {
            title: "Discarded by Loki and Tempo",
            unit: "short",
            description: "Log lines and spans the backends refused, by reason (rate limits, too old, too large).",
            queries: [
                { expr: `sum by (reason) (${rate("loki_discarded_samples_total", sel(jobs.all.loki))})`, legend: "Loki lines: {{reason}}" },
                { expr: `sum by (reason) (${rate("tempo_discarded_spans_total", sel(jobs.all.tempo))})`, legend: "Tempo spans: {{reason}}" },
            ],
        },
    ];

    const claims = Object.entries(volumeClaims(input)) as [Component, string][];
    const storage: PanelSpec[] = [
        {
            title: "Volume usage",
            unit: "percentunit",
            description: "Kubelet volume statistics; for volumes without them (local-path on K3s) the node filesystem holding them.",
            queries: claims.map(([c, re]) => ({
                expr: `max by (persistentvolumeclaim) (1 - ${volumeFree(ns, re)})`,
                legend: `${titles[c]} {{persistentvolumeclaim}}`,
            })),
        },
        {
            title: "Loki compactor: time since last success",
            unit: "s",
            queries: [
                ["compaction", "loki_boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds"],
                ["retention", "loki_compactor_apply_retention_last_successful_run_timestamp_seconds"],
            ].map(([what, metric]) => ({ expr: `time() - max(${metric}${sel([jobs.lokiCompactor])})`, legend: what })),
        },
        {
            title: "Tempo compactor errors",
            unit: "short",
            queries: [
                ["compaction", "tempodb_compaction_errors_total"],
                ["retention", "tempodb_retention_errors_total"],
            ].map(([what, metric]) => ({ expr: `sum(increase(${metric}${sel([jobs.tempoCompactor])}[$__rate_interval]))`, legend: what })),
        },
    ];

    const availability: PanelSpec[] = [
        {
            title: "Scrape targets up",
            unit: "percentunit",
            type: "stat",
            queries: components.map(c => ({ expr: `sum(up${sel(jobs.all[c])}) / count(up${sel(jobs.all[c])})`, legend: titles[c] })),
        },
    ];

    return {
        uid: healthDashboardUid,
        title: "Monitoring stack health",
        description: `Self-monitoring of the stack in namespace ${ns} (node agents in ${input.nodeNamespace}). Runbooks: README, section "Stack alerts".`,
        tags: ["monitoring-stack"],
        timezone: "browser",
        editable: true,
        schemaVersion: 39,
        version: 1,
        refresh: "1m",
        time: { from: "now-6h", to: "now" },
        templating: { list: [] },
        annotations: { list: [] },
        panels: layout([
            ["Availability", availability],
            ["Ingestion", ingestion],
            ["Data lost or refused", failures],
            ["Storage and compaction", storage],
        ]),
    };
}

/** Rows of panels, three to a line (the availability stat spans the full width). */
function layout(rows: [string, PanelSpec[]][]) {
    const panels: Record<string, unknown>[] = [];
    let id = 1;
    let y = 0;
    for (const [title, specs] of rows) {
        panels.push({ id: id++, type: "row", title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
        y += 1;
        const width = specs.length === 1 ? 24 : PANEL_WIDTH;
        specs.forEach((p, i) => {
            const x = (i * width) % 24;
            if (i > 0 && x === 0) y += PANEL_HEIGHT;
            panels.push(panel(id++, p, { h: PANEL_HEIGHT, w: width, x, y }));
        });
        y += PANEL_HEIGHT;
    }
    return panels;
}

function panel(id: number, p: PanelSpec, gridPos: { h: number; w: number; x: number; y: number }) {
    const type = p.type ?? "timeseries";
    return {
        id,
        type,
        title: p.title,
        ...(p.description ? { description: p.description } : {}),
        datasource,
        gridPos,
        fieldConfig: {
            defaults: {
                unit: p.unit,
                ...(p.unit === "percentunit" ? { min: 0, max: 1 } : {}),
                // A stat of targets up is red below 100%.
                ...(type === "stat" ? { thresholds: { mode: "absolute", steps: [{ color: "red", value: null }, { color: "green", value: 1 }] } } : {}),
            },
            overrides: [],
        },
        options: type === "stat"
            ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, textMode: "value_and_name", colorMode: "value" }
            : { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "desc" } },
        targets: p.queries.map((q, i) => ({ refId: String.fromCharCode(65 + i), datasource, expr: q.expr, legendFormat: q.legend })),
    };
}
