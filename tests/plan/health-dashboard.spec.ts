import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { knownMetrics, metricNames } from "../../plan/telemetry/alert-rules";
import { healthDashboard, healthDashboardUid } from "../../plan/telemetry/health-dashboard";
import { datasourceUids } from "../../plan/wiring";
import { promtool, stackInputs } from "../../scripts/promtool";
import { itWithTool } from "../tools";

interface Panel {
    id: number;
    type: string;
    title: string;
    gridPos: { h: number; w: number; x: number; y: number };
    datasource?: { type: string; uid: string };
    targets?: { refId: string; expr: string; legendFormat: string; datasource: { uid: string } }[];
}

const panelsOf = (d: ReturnType<typeof healthDashboard>) => d.panels as unknown as Panel[];
const exprsOf = (d: ReturnType<typeof healthDashboard>) => panelsOf(d).flatMap(p => (p.targets ?? []).map(t => t.expr));

describe("stack health dashboard", () => {
    for (const [stack, input] of Object.entries(stackInputs)) {
        describe(`${stack} inputs`, () => {
            const dashboard = healthDashboard(input);
            const panels = panelsOf(dashboard);
            const queryPanels = panels.filter(p => p.type !== "row");

            it("is plain JSON with a fixed uid and a title", () => {
                assert.deepEqual(JSON.parse(JSON.stringify(dashboard)), dashboard);
                assert.equal(dashboard.uid, healthDashboardUid);
                assert.ok(dashboard.title);
            });

            it("gives every panel a unique id and a place on the 24-column grid without overlaps", () => {
                const ids = panels.map(p => p.id);
                assert.equal(new Set(ids).size, ids.length);
                const cells = new Set<string>();
                for (const p of panels) {
                    const { h, w, x, y } = p.gridPos;
                    for (const v of [h, w, x, y]) assert.ok(Number.isInteger(v) && v >= 0, `${p.title}: gridPos ${JSON.stringify(p.gridPos)}`);
                    assert.ok(w > 0 && h > 0 && x + w <= 24, `${p.title}: gridPos ${JSON.stringify(p.gridPos)}`);
                    for (let i = x; i < x + w; i++) {
                        for (let j = y; j < y + h; j++) {
                            assert.ok(!cells.has(`${i},${j}`), `${p.title} overlaps another panel`);
                            cells.add(`${i},${j}`);
                        }
                    }
                }
            });

            it("queries the Prometheus datasource with an expression and a distinct refId per target", () => {
                assert.ok(queryPanels.length > 0);
                for (const p of queryPanels) {
                    assert.equal(p.datasource?.uid, datasourceUids.prometheus, p.title);
                    assert.ok(p.targets && p.targets.length > 0, `${p.title} has no targets`);
                    const refIds = p.targets.map(t => t.refId);
                    assert.equal(new Set(refIds).size, refIds.length, p.title);
                    for (const t of p.targets) {
                        assert.ok(t.expr.trim(), `${p.title}: empty expression`);
                        assert.equal(t.datasource.uid, datasourceUids.prometheus, p.title);
                        assert.match(t.expr, new RegExp(`namespace(="${input.namespace}"|=~"${input.namespace}\\|${input.nodeNamespace}")`), `${p.title}: ${t.expr}`);
                    }
                }
            });

            it("uses only metrics listed in componentMetrics", () => {
                for (const expr of exprsOf(dashboard)) {
                    for (const m of metricNames(expr)) assert.ok(knownMetrics.has(m), `${m} (in ${expr}) is not in componentMetrics`);
                }
            });

            it("shows ingestion, losses, request errors and volume usage", () => {
                const used = new Set(exprsOf(dashboard).flatMap(metricNames));
                for (const m of [
                    "loki_distributor_bytes_received_total", "loki_distributor_lines_received_total", "tempo_distributor_spans_received_total",
                    "prometheus_tsdb_head_samples_appended_total", "prometheus_http_requests_total",
                    "loki_write_dropped_entries_total", "prometheus_remote_storage_samples_failed_total", "otelcol_exporter_send_failed_spans_total",
                    "loki_request_duration_seconds_count", "tempo_request_duration_seconds_count",
                    "kubelet_volume_stats_available_bytes", "up",
                ]) {
                    assert.ok(used.has(m), `no panel queries ${m}`);
                }
            });
        });
    }

    it("drops the Prometheus panels and volume when Prometheus is external", () => {
        const exprs = exprsOf(healthDashboard({ ...stackInputs.prod, prometheusMode: "external" })).join("\n");
        assert.doesNotMatch(exprs, /prometheus_tsdb|kube-prometheus-stack/);
    });

    itWithTool("promtool", "has expressions promtool parses (each wrapped in a recording rule)", function () {
        this.timeout(30000);
        const exprs = Object.values(stackInputs).flatMap(i => exprsOf(healthDashboard(i)));
        const rules = exprs.map((expr, i) => {
            const plain = expr.replace(/\$__rate_interval/g, "5m");
            assert.doesNotMatch(plain, /\$/, `unexpected Grafana variable in ${expr}`);
            return { record: `dashboard:expr_${i}`, expr: plain };
        });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "health-dashboard-"));
        try {
            const file = path.join(dir, "dashboard-exprs.yaml");
            fs.writeFileSync(file, stringify({ groups: [{ name: "dashboard", rules }] }, { lineWidth: 0 }));
            const r = promtool(["check", "rules", file]);
            assert.ok(r.ok, r.output);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
