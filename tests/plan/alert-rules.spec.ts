import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { alertRules, AlertRule, knownMetrics, metricNames, RuleGroup, StackHealthInput } from "../../plan/telemetry/alert-rules";
import { promtool, promtoolAsync, PROMTOOL_INSTALL, PromtoolResult, stackInputs, unitTestDir, writeRuleTests } from "../../scripts/promtool";
import { describeWithTool, toolDecision } from "../tools";

const rulesOf = (input: StackHealthInput): AlertRule[] => alertRules(input).groups.flatMap(g => g.rules);

describe("alert rules for the stack itself", () => {
    for (const [stack, input] of Object.entries(stackInputs)) {
        describe(`${stack} inputs`, () => {
            const rules = rulesOf(input);

            it("give every alert a severity, a summary, a description and a runbook pointing at its README section", () => {
                assert.ok(rules.length > 0);
                for (const r of rules) {
                    assert.match(r.labels.severity, /^(critical|warning)$/, r.alert);
                    assert.match(r.for, /^\d+[mh]$/, r.alert);
                    assert.ok(r.annotations.summary && r.annotations.description, r.alert);
                    assert.ok(r.annotations.runbook.endsWith(`README.md#${r.alert.toLowerCase()}`), r.alert);
                }
                const keys = rules.map(r => `${r.alert}/${r.labels.severity}`);
                assert.equal(new Set(keys).size, keys.length, "an alert name appears twice with one severity");
            });

            it("cover every component and failure the stack must report", () => {
                const names = new Set(rules.map(r => r.alert));
                for (const name of [
                    "LokiDown", "TempoDown", "AlloyDown", "GrafanaDown", "PrometheusDown",
                    "LokiIngestionStopped", "TempoIngestionStopped",
                    "AlloyLokiWriteFailing", "AlloyRemoteWriteFailing", "AlloyOtelcolExportFailing",
                    "LokiVolumeFillingUp", "TempoVolumeFillingUp", "PrometheusVolumeFillingUp",
                    "LokiCompactionNotRunning", "LokiRetentionNotRunning", "TempoCompactionFailing", "TempoRetentionFailing",
                ]) {
                    assert.ok(names.has(name), `missing ${name}`);
                }
            });

            it("query only metrics the components are known to expose", () => {
                for (const r of rules) {
                    const names = metricNames(r.expr);
                    assert.ok(names.length > 0, `${r.alert}: no metric found in ${r.expr}`);
                    for (const m of names) assert.ok(knownMetrics.has(m), `${r.alert} queries ${m}, which componentMetrics does not list`);
                }
            });

            it("select every rule by the stack's namespaces (Alloy's by both: the node agent runs in the node namespace)", () => {
                for (const r of rules) assert.match(r.expr, new RegExp(`namespace(="${input.namespace}"|=~"${input.namespace}\\|${input.nodeNamespace}")`), r.alert);
                const alloy = rules.filter(r => r.alert.startsWith("Alloy"));
                assert.ok(alloy.length > 0);
                for (const r of alloy) assert.ok(r.expr.includes(`namespace=~"${input.namespace}|${input.nodeNamespace}", job=~"alloy|alloy-node"`), r.alert);
            });
        });
    }

    it("select Loki and Tempo by the jobs of each deployment mode", () => {
        const dev = rulesOf(stackInputs.dev).map(r => r.expr).join("\n");
        const prod = rulesOf(stackInputs.prod).map(r => r.expr).join("\n");
        assert.match(dev, /job="monitoring-stack\/loki"/);
        assert.match(dev, /job="tempo"/);
        assert.doesNotMatch(dev, /loki-write|monitoring-stack\/distributor/);
        assert.match(prod, /job="monitoring-stack\/loki-write"/);
        assert.match(prod, /job="monitoring-stack\/loki-backend"/);
        assert.match(prod, /job="monitoring-stack\/distributor"/);
        assert.match(prod, /job="monitoring-stack\/compactor"/);
        assert.doesNotMatch(prod, /job="monitoring-stack\/loki"[,}]|job="tempo"/);
    });

    it("leave out Prometheus alerts when Prometheus is external", () => {
        const names = rulesOf({ ...stackInputs.prod, prometheusMode: "external" }).map(r => r.alert);
        assert.ok(!names.some(n => n.startsWith("Prometheus")), names.join(", "));
    });

    it("find metric names in expressions, not functions, labels or keywords", () => {
        assert.deepEqual(
            metricNames('sum by (job) (rate(a_total{job=~"x|y"}[5m])) / on (job) b > 3 * 3600 unless absent(up{le="0.5"}) or time() - c:rec offset 1h'),
            ["a_total", "b", "up", "c:rec"],
        );
    });
});

// promtool's unit tests start when this file loads, one process per stack, and run on the other core beside
// the rest of the suite; the test below awaits them.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alert-rules-"));
const files = writeRuleTests(dir);
const unitTests: Promise<PromtoolResult[]> | undefined = toolDecision("promtool").mode === "run"
    ? Promise.all(Object.values(files.tests).map(list => promtoolAsync(["test", "rules", ...list])))
    : undefined;

describe("promtool on the generated rules", function () {
    this.timeout(60000);
    after(async () => {
        await unitTests?.catch(() => undefined);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("gives every unit-test group a file of its own that loads exactly the alert rules it names", () => {
        for (const [stack, input] of Object.entries(stackInputs)) {
            const source = parse(fs.readFileSync(path.join(unitTestDir, `${stack}.test.yaml`), "utf8"));
            const written = files.tests[stack];
            assert.equal(written.length, source.tests.length, stack);
            written.forEach((file, i) => {
                const doc = parse(fs.readFileSync(file, "utf8"));
                assert.equal(doc.tests.length, 1);
                assert.equal(doc.tests[0].name, source.tests[i].name);
                const loaded = parse(fs.readFileSync(path.join(dir, doc.rule_files[0]), "utf8")).groups.flatMap((g: RuleGroup) => g.rules.map(r => r.alert));
                const named = [...new Set<string>((source.tests[i].alert_rule_test ?? []).map((t: { alertname: string }) => t.alertname))];
                const expected = rulesOf(input).filter(r => named.includes(r.alert)).map(r => r.alert);
                assert.deepEqual(loaded, expected, `${stack} group ${i}: ${source.tests[i].name}`);
            });
        }
    });

    describeWithTool("promtool", "run by promtool", () => {
        it(`is installed (${PROMTOOL_INSTALL})`, () => {
            assert.ok(promtool(["--version"]).ok);
        });

        it("accepts both stacks' rule files", () => {
            const r = promtool(["check", "rules", ...Object.values(files.rules)]);
            assert.ok(r.ok, r.output);
        });

        it("passes the unit tests in tests/plan/promtool", async () => {
            for (const r of await unitTests!) assert.ok(r.ok, r.output);
        });
    });

    for (const [stack, input] of Object.entries(stackInputs)) {
        it(`has a firing case in ${stack}.test.yaml for every ${stack} alert and severity, and tests no unknown alert`, () => {
            const doc = parse(fs.readFileSync(path.join(unitTestDir, `${stack}.test.yaml`), "utf8"));
            const tested = new Set<string>();
            const named = new Set<string>();
            for (const t of doc.tests) {
                for (const a of t.alert_rule_test ?? []) {
                    named.add(a.alertname);
                    for (const e of a.exp_alerts ?? []) tested.add(`${a.alertname}/${e.exp_labels?.severity}`);
                }
            }
            const rules = rulesOf(input);
            const untested = rules.map(r => `${r.alert}/${r.labels.severity}`).filter(k => !tested.has(k));
            assert.deepEqual(untested, [], `no firing test for ${untested.join(", ")}`);
            const unknown = [...named].filter(n => !rules.some(r => r.alert === n));
            assert.deepEqual(unknown, [], `tests name alerts the rules do not have: ${unknown.join(", ")}`);
        });
    }
});
