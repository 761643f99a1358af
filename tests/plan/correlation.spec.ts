// The correlation links, tried the way Grafana and Alloy evaluate them (their logic re-implemented from their
// sources, each cited): logs -> traces by line and by label, traces -> logs for pod logs and OTLP logs alike.
import { strict as assert } from "assert";
import { alertRules } from "../../plan/telemetry/alert-rules";
import { alloyConfig } from "../../plan/telemetry/alloy-config";
import { defaultVersions } from "../../charts/table";
import { Values } from "../../charts/values";
import { datasources } from "../../plan/telemetry/datasources";
import { healthDashboard } from "../../plan/telemetry/health-dashboard";
import { prometheusValues } from "../../plan/releases/prometheus";
import { wiring } from "../../plan/wiring";
import { stackInputs } from "../../scripts/promtool";
import { parseSettings } from "../../config/settings";
import { traceIdFields } from "../../plan/correlation";

const w = wiring(parseSettings({}, defaultVersions));
const list = datasources(w) as Values[];
const loki = list.find(d => d.type === "loki")!;
const tempo = list.find(d => d.type === "tempo")!;
/** Grafana's provisioning turns `$$` into `$`. */
const provisioned = (s: string) => s.replace(/\$\$/g, "$");

const id32 = "4bf92f3577b34da6a3ce929d0e0e4736";
const id16 = "a3ce929d0e0e4736";

/** Grafana public/app/plugins/datasource/loki/getDerivedFields.ts: a regex field takes group 1 of `line.match(regex)`. */
const fromLine = (line: string) => {
    const field = loki.jsonData.derivedFields.find((f: Values) => f.matcherType === "regex");
    return line.match(provisioned(field.matcherRegex))?.[1] ?? null;
};

/** The same file: a label field tests `new RegExp(matcherRegex)` against every label name, unanchored, first match wins. */
const fromLabels = (labels: Record<string, string>) => {
    const field = loki.jsonData.derivedFields.find((f: Values) => f.matcherType === "label");
    const re = new RegExp(provisioned(field.matcherRegex));
    const key = Object.keys(labels).find(k => re.test(k));
    return key === undefined ? null : labels[key];
};

/** The rules of one discovery.relabel block of the Alloy configuration, applied as Prometheus applies `replace`. */
function relabel(text: string, component: string, meta: Record<string, string>): Record<string, string> {
    const start = text.indexOf(`discovery.relabel "${component}" {`);
    assert.ok(start >= 0, `no discovery.relabel "${component}"`);
    const body = text.slice(start, text.indexOf("\n}\n", start));
    const labels = { ...meta };
    for (const [, rule] of body.matchAll(/\n {2}rule \{\n([\s\S]*?)\n {2}\}/g)) {
        const attr = (name: string) => new RegExp(`^\\s*${name}\\s*=\\s*(.+)$`, "m").exec(rule)?.[1];
        const action = attr("action") ? JSON.parse(attr("action")!) : "replace";
        if (action !== "replace") continue;
        const sources: string[] = JSON.parse(attr("source_labels") ?? "[]");
        const joined = sources.map(s => labels[s] ?? "").join(attr("separator") ? JSON.parse(attr("separator")!) : ";");
        const m = new RegExp(`^(?:${attr("regex") ? JSON.parse(attr("regex")!) : "(.*)"})$`).exec(joined);
        if (!m) continue;
        const value = (attr("replacement") ? JSON.parse(attr("replacement")!) : "$1").replace(/\$(\d+)/g, (_: string, i: string) => m[Number(i)] ?? "");
        const target = JSON.parse(attr("target_label")!);
        if (value === "") delete labels[target];
        else labels[target] = value;
    }
    return Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith("__")));
}

/** The trace id Alloy's loki.process "pods" stores as structured metadata for a JSON line (stage.json, then stage.regex). */
function structuredTraceId(text: string, line: Record<string, unknown>): string | undefined {
    const json = /trace_id_raw\s*=\s*"([^"]+)"/.exec(text)![1];
    // JMESPath `a || b`: the first operand that is not null (nor false, "" or empty).
    const raw = json.split(" || ").map(k => line[k]).find(v => v !== undefined && v !== null && v !== "" && v !== false);
    const expression = /stage\.regex \{[\s\S]*?expression = "([^"]+)"/.exec(text)![1];
    const m = new RegExp(expression.replace(/\(\?P</g, "(?<")).exec(String(raw ?? ""));
    return raw === undefined ? undefined : m?.groups?.trace_id;
}

describe("correlation links", () => {
    describe("logs -> traces, by the log line", () => {
        it("finds a 16- or 32-hex id under every spelling, in JSON and key=value lines", () => {
            for (const field of traceIdFields) {
                for (const id of [id32, id16]) {
                    for (const line of [
                        `{"level":"info","${field}":"${id}","msg":"ok"}`,
                        `{"${field}": "${id}"}`,
                        `level=info ${field}=${id} msg=ok`,
                        `level=info ${field}="${id}"`,
                    ]) assert.equal(fromLine(line), id, line);
                }
            }
        });

        it("makes no link of a null, empty, partial or over-long id", () => {
            for (const line of [
                '{"traceID":"null","msg":"no trace"}',
                '{"traceId":null}',
                'trace_id= msg=x',
                `traceID=${id32.slice(0, 20)}`,
                `traceID=${id32}ff`,
                'TraceId="not-a-trace-id"',
                `otel_trace_id=${id32}`,
                "level=info msg=no-trace",
            ]) assert.equal(fromLine(line), null, line);
        });
    });

    describe("logs -> traces, by the label", () => {
        it("takes trace_id, not the log_line_contains_trace_id label Grafana's traces -> logs query adds (it sorts first)", () => {
            assert.equal(fromLabels({ log_line_contains_trace_id: "true", service_name: "checkout", trace_id: id32 }), id32);
            assert.equal(fromLabels({ otel_trace_id: "other", trace_id_hash: "x", trace_id: id32 }), id32);
            assert.equal(fromLabels({ log_line_contains_trace_id: "false" }), null);
        });
    });

    describe("Alloy's JSON extraction", () => {
        const text = alloyConfig({ wiring: w, role: "node", clustering: false, replicas: 1 });

        it("lifts every spelling into trace_id structured metadata", () => {
            for (const field of traceIdFields) assert.equal(structuredTraceId(text, { [field]: id32, msg: "x" }), id32, field);
            assert.equal(structuredTraceId(text, { TraceID: id16 }), id16);
        });

        it("stores no trace_id for a null, empty or malformed id", () => {
            for (const line of [{ traceID: "null" }, { traceID: null }, { trace_id: "" }, { traceId: "xyz" }, { msg: "none" }]) {
                assert.equal(structuredTraceId(text, line), undefined, JSON.stringify(line));
            }
        });
    });

    describe("traces -> logs", () => {
        const text = alloyConfig({ wiring: w, role: "node", clustering: false, replicas: 1 });
        const pod = (labels: Record<string, string>, container = "server") => relabel(text, "pod_logs", {
            __meta_kubernetes_namespace: "shop",
            __meta_kubernetes_pod_name: "checkout-7d9f-abcde",
            __meta_kubernetes_pod_container_name: container,
            __meta_kubernetes_pod_uid: "uid-1",
            ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [`__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9]/g, "_")}`, v])),
        });

        it("gives pod logs the OpenTelemetry service name: app.kubernetes.io/name, else app, else the container", () => {
            assert.equal(pod({ "app.kubernetes.io/name": "checkout", app: "legacy" }).service_name, "checkout");
            assert.equal(pod({ app: "legacy" }).service_name, "legacy");
            assert.equal(pod({}, "worker").service_name, "worker");
        });

        /**
         * Grafana public/app/features/explore/TraceView/createSpanLink.tsx: getFormattedTags maps the span's
         * attributes through `tags`, then getQueryForLoki appends the trace-id filter (line or trace_id).
         */
        function query(spanAttributes: Record<string, string>, traceId: string) {
            const t2l = tempo.jsonData.tracesToLogsV2;
            assert.equal(t2l.datasourceUid, loki.uid);
            assert.equal(t2l.customQuery ?? false, false, "the built-in query, whose trace-id filter covers the line and trace_id");
            const selector = Object.entries(spanAttributes)
                .map(([key, value]) => {
                    const tag = t2l.tags.find((x: { key: string }) => x.key === key);
                    return tag ? [tag.value || tag.key, value] : undefined;
                })
                .filter((x): x is [string, string] => Boolean(x));
            assert.equal(t2l.filterByTraceID, true);
            return {
                selector,
                matches: (stream: Record<string, string>, line: string, metadata: Record<string, string>) =>
                    selector.length > 0 &&
                    selector.every(([k, v]) => stream[k] === v) &&
                    (line.includes(traceId) || metadata.trace_id === traceId),
            };
        }

        it("finds a span's pod logs and its OTLP logs with one mapping", () => {
            // An instrumented pod: OTEL_SERVICE_NAME is its app.kubernetes.io/name, as the README asks.
            const q = query({ "service.name": "checkout", "k8s.namespace.name": "shop", "http.route": "/pay" }, id32);
            assert.deepEqual(q.selector, [["service_name", "checkout"]]);
            // Its stdout, tailed by Alloy: the id in the JSON line and in structured metadata.
            const line = `{"level":"info","traceId":"${id32}","msg":"paid"}`;
            const podStream = pod({ "app.kubernetes.io/name": "checkout" });
            const podMetadata = { trace_id: structuredTraceId(text, JSON.parse(line))! };
            assert.ok(q.matches(podStream, line, podMetadata), `pod stream ${JSON.stringify(podStream)}`);
            // The same service's OTLP log record: Loki indexes service.name as service_name and keeps the record's
            // trace id as structured metadata trace_id (Loki's default OTLP configuration).
            assert.ok(q.matches({ service_name: "checkout", k8s_namespace_name: "shop" }, "paid", { trace_id: id32 }));
            // Another service's logs are not found.
            assert.ok(!q.matches(pod({ "app.kubernetes.io/name": "cart" }), line, podMetadata));
        });
    });

    describe("metrics", () => {
        const text = alloyConfig({ wiring: w, role: "receiver", clustering: false, replicas: 1 });

        it("remote-writes the native histograms otelcol.exporter.prometheus makes of OTLP exponential histograms", () => {
            const endpoint = /prometheus\.remote_write "default" \{\n\s*endpoint \{([\s\S]*?)\n\s*\}/.exec(text)![1];
            assert.match(endpoint, /^\s*send_native_histograms\s*=\s*true$/m);
            // Prometheus 3.14 (kube-prometheus-stack 88.5.3) stores them without a flag: `native-histograms` is a no-op there.
            const spec = prometheusValues(parseSettings({}, defaultVersions)).prometheus.prometheusSpec;
            assert.equal(spec.enableRemoteWriteReceiver, true);
            assert.ok(!spec.enableFeatures.includes("native-histograms"));
        });

        it("watches no metric_points of otelcol exporters, which otelcol.exporter.prometheus does not expose", () => {
            for (const input of Object.values(stackInputs)) {
                assert.doesNotMatch(JSON.stringify(alertRules(input)), /metric_points/);
                assert.doesNotMatch(JSON.stringify(healthDashboard(input)), /metric_points|metric points/);
            }
        });

        it("drops the Tempo datasource's lokiSearch, gone since Grafana 11", () => {
            assert.equal(tempo.jsonData.lokiSearch, undefined);
        });
    });
});
