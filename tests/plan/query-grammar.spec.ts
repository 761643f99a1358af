// Every query the program writes, parsed with the official grammars (the Lezer parsers Prometheus' and
// Grafana's query editors use), so a syntax error fails `npm test` on any machine, promtool or not:
// PromQL of the alert rules and the health dashboard, of the Tempo datasource's trace-to-metrics links and
// of the smoke test; LogQL of the smoke test and of the traces-to-logs query Grafana builds from the Tempo
// datasource's settings; and the README's PromQL, LogQL and TraceQL examples.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parser as logqlParser } from "@grafana/lezer-logql";
import { parser as traceqlParser } from "@grafana/lezer-traceql";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";
import { alertRules, StackHealthInput } from "../../plan/telemetry/alert-rules";
import { defaultVersions } from "../../charts/table";
import { Values } from "../../charts/values";
import { datasources } from "../../plan/telemetry/datasources";
import { healthDashboard } from "../../plan/telemetry/health-dashboard";
import { smokeTestScript } from "../../plan/smoke-test";
import { wiring } from "../../plan/wiring";
import { parseSettings } from "../../config/settings";
import { stackInputs } from "../../scripts/promtool";
import { root } from "../harness";

type Language = "PromQL" | "LogQL" | "TraceQL";
const parsers = { PromQL: promqlParser, LogQL: logqlParser, TraceQL: traceqlParser } satisfies Record<Language, unknown>;

/** The first syntax error of a query, as "at <offset>: <text around it>", or undefined when it parses. */
export function syntaxError(language: Language, query: string): string | undefined {
    const tree = parsers[language].parse(query);
    let at: number | undefined;
    tree.iterate({
        enter: node => {
            if (at === undefined && node.type.isError) at = node.from;
        },
    });
    return at === undefined ? undefined : `at ${at}: ${JSON.stringify(query.slice(Math.max(0, at - 20), at + 20))}`;
}

interface Query { language: Language; where: string; text: string }

const span = { service: "checkout", traceId: "4bf92f3577b34da6a3ce929d0e0e4736" };

/** Grafana replaces its variables before a query leaves for the datasource; so do these tests. */
const grafanaVariables = (q: string) => q
    .replace(/\$\$/g, "$") // provisioning's escape
    .replace(/\$__rate_interval|\$__interval|\$__range/g, "5m")
    .replace(/\$__tags/g, `service="${span.service}"`);

function ruleQueries(): Query[] {
    const inputs: Record<string, StackHealthInput> = { ...stackInputs, "prod, external Prometheus": { ...stackInputs.prod, prometheusMode: "external" } };
    return Object.entries(inputs).flatMap(([stack, input]) => [
        ...alertRules(input).groups.flatMap(g => g.rules.map(r => ({ language: "PromQL" as const, where: `${stack} alert ${r.alert}/${r.labels.severity}`, text: r.expr }))),
        ...(healthDashboard(input).panels as Values[]).flatMap(p => (p.targets ?? []).map((t: Values) => ({
            language: "PromQL" as const, where: `${stack} dashboard panel "${p.title}" ${t.refId}`, text: grafanaVariables(t.expr),
        }))),
    ]);
}

function datasourceQueries(): Query[] {
    const tempo = (datasources(wiring(parseSettings({}, defaultVersions))) as Values[]).find(d => d.type === "tempo")!;
    const t2l = tempo.jsonData.tracesToLogsV2;
    // createSpanLink.tsx (getFormattedTags, getQueryForLoki): the span's mapped tags, then the trace-id filter.
    const tags = t2l.tags.map((t: { key: string; value: string }) => `${t.value || t.key}="${span.service}"`).join(", ");
    const traceFilter = ` | label_format log_line_contains_trace_id=\`{{ contains "${span.traceId}" __line__  }}\` | log_line_contains_trace_id="true" or trace_id="${span.traceId}"`;
    return [
        ...tempo.jsonData.tracesToMetrics.queries.map((q: { name: string; query: string }) => ({
            language: "PromQL" as const, where: `Tempo trace-to-metrics "${q.name}"`, text: grafanaVariables(q.query),
        })),
        { language: "LogQL", where: "Tempo traces-to-logs (as Grafana builds it)", text: `{${tags}}${t2l.filterByTraceID ? traceFilter : ""}` },
    ];
}

/** The `query=` arguments of the smoke test's curl calls, with the shell's variables filled in. */
function smokeTestQueries(): Query[] {
    const script = smokeTestScript;
    const found = [...script.matchAll(/"\$(LOKI|PROMETHEUS)_URL[^"]*"\s*\\\n\s*--data-urlencode "query=((?:[^"\\]|\\.)*)"/g)];
    assert.equal(found.length, 2, "the smoke test queries Loki and Prometheus once each");
    return found.map(([, backend, q]) => ({
        language: backend === "LOKI" ? "LogQL" as const : "PromQL" as const,
        where: `smoke test ${backend === "LOKI" ? "Loki" : "Prometheus"} query`,
        text: q.replace(/\\"/g, '"').replace(/\$run_id/g, "smoke-0a1b2c3d4e5f"),
    }));
}

/** Fenced ```promql, ```logql and ```traceql blocks of the README, one query per non-empty line. */
function readmeQueries(): Query[] {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const languages: Record<string, Language> = { promql: "PromQL", logql: "LogQL", traceql: "TraceQL" };
    return [...readme.matchAll(/```(promql|logql|traceql)\n([\s\S]*?)```/g)].flatMap(([, lang, body]) =>
        body.split("\n").filter(l => l.trim() && !l.trim().startsWith("#")).map(text => ({ language: languages[lang], where: `README ${lang} example`, text })));
}

describe("every query parses with the official grammar", () => {
    const all: Query[] = [...ruleQueries(), ...datasourceQueries(), ...smokeTestQueries(), ...readmeQueries()];

    it("finds the queries of every source and language", () => {
        const count = (language: Language) => all.filter(q => q.language === language).length;
        assert.ok(count("PromQL") > 50, `only ${count("PromQL")} PromQL queries`);
        assert.ok(count("LogQL") >= 3, `only ${count("LogQL")} LogQL queries`);
        assert.ok(count("TraceQL") >= 2, `only ${count("TraceQL")} TraceQL queries`);
    });

    for (const q of [...ruleQueries(), ...datasourceQueries(), ...smokeTestQueries(), ...readmeQueries()]) {
        it(`${q.language}: ${q.where}`, () => {
            const error = syntaxError(q.language, q.text);
            assert.equal(error, undefined, `${q.language} syntax error ${error} in ${q.text}`);
        });
    }

    it("catches a broken query in each language (the grammars are the real ones)", () => {
        assert.ok(syntaxError("PromQL", "sum(rate(up[5m])"));
        assert.ok(syntaxError("PromQL", "up{job=}"));
        assert.ok(syntaxError("LogQL", '{app="x"} |= '));
        assert.ok(syntaxError("LogQL", "{app=x}"));
        assert.ok(syntaxError("TraceQL", "{ .a = }"));
        // The link query the old line regex made of "traceID":"null": Tempo would get TraceQL `null`.
        assert.ok(syntaxError("TraceQL", "null"));
    });
});
