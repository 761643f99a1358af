import { datasourceUids, Wiring } from "../wiring";
import { alertmanagerDatasource } from "../alerting/grafana-alerting";
import { traceIdFields, traceIdHex } from "../correlation";

// Grafana expands environment variables in provisioning files: `$$` is a literal `$`. The chart also runs
// these values through Helm `tpl`, so none may contain `{{`.

/** Exemplar labels carrying a trace id: Tempo's span metrics write `traceID`, OTLP metrics `trace_id`. */
export const exemplarTraceIdLabels = ["traceID", "trace_id"] as const;

/** Span attribute -> Loki label for trace-to-logs: both Alloy's pod logs and Loki's OTLP logs carry `service_name`. */
export const traceToLogsTags = [{ key: "service.name", value: "service_name" }];

/** Span attribute -> span-metrics label for trace-to-metrics (Tempo's metrics generator names it `service`). */
const traceToMetricsTags = [{ key: "service.name", value: "service" }];

/**
 * Trace ids in JSON (`"traceID":"..."`) and logfmt (`trace_id=...`) log lines, in group 1 (Grafana's
 * derived-field convention). Only a whole 16- or 32-hex id: `"traceID":"null"` must not become a link.
 * `\b` keeps `otel_trace_id=` and `parent_traceId=` out.
 */
export const traceIdInLine = `\\b(?:${traceIdFields.join("|")})"?\\s*[:=]\\s*"?(${traceIdHex})\\b`;

/** Grafana datasource provisioning: Prometheus, Loki and Tempo with fixed UIDs, linked to each other. */
export function datasources(w: Wiring) {
    const toTempo = { datasourceUid: datasourceUids.tempo };
    return [
        {
            name: "Prometheus",
            type: "prometheus",
            uid: datasourceUids.prometheus,
            access: "proxy",
            url: w.prometheus.url,
            isDefault: true,
            jsonData: {
                httpMethod: "POST",
                exemplarTraceIdDestinations: exemplarTraceIdLabels.map(name => ({ name, ...toTempo })),
            },
        },
        {
            name: "Loki",
            type: "loki",
            uid: datasourceUids.loki,
            access: "proxy",
            url: w.loki.gatewayUrl,
            jsonData: {
                derivedFields: [
                    { name: "TraceID", matcherType: "regex", matcherRegex: traceIdInLine, url: "$${__value.raw}", urlDisplayLabel: "View trace", ...toTempo },
                    // Structured metadata: set by Alloy from JSON logs, and by Loki for OTLP logs. Grafana tests the
                    // regex unanchored against every label name and takes the first that matches, so it must be
                    // anchored: "trace_id" also matches the `log_line_contains_trace_id` label a trace -> logs query adds.
                    // `$$` is provisioning's escape for `$`.
                    { name: "trace_id", matcherType: "label", matcherRegex: "^trace_id$$", url: "$${__value.raw}", urlDisplayLabel: "View trace", ...toTempo },
                ],
            },
        },
        {
            name: "Tempo",
            type: "tempo",
            uid: datasourceUids.tempo,
            access: "proxy",
            url: w.tempo.queryUrl,
            jsonData: {
                tracesToLogsV2: {
                    datasourceUid: datasourceUids.loki,
                    filterByTraceID: true,
                    spanStartTimeShift: "-5m",
                    spanEndTimeShift: "5m",
                    tags: traceToLogsTags,
                },
                tracesToMetrics: {
                    datasourceUid: datasourceUids.prometheus,
                    spanStartTimeShift: "-5m",
                    spanEndTimeShift: "5m",
                    tags: traceToMetricsTags,
                    queries: [
                        { name: "Request rate", query: "sum(rate(traces_spanmetrics_calls_total{$$__tags}[5m]))" },
                        { name: "Error rate", query: 'sum(rate(traces_spanmetrics_calls_total{$$__tags, status_code="STATUS_CODE_ERROR"}[5m]))' },
                        { name: "p95 latency", query: "histogram_quantile(0.95, sum by (le) (rate(traces_spanmetrics_latency_bucket{$$__tags}[5m])))" },
                    ],
                },
                serviceMap: { datasourceUid: datasourceUids.prometheus },
                nodeGraph: { enabled: true },
            },
        },
        ...(w.alertmanager ? [alertmanagerDatasource(w.alertmanager.url)] : []),
    ];
}
