// Runs promtool over the generated alert rules: `check rules` on the rule files, then `test rules` with the
// unit tests in tests/plan/promtool/. Usage: npx tsx scripts/promtool.ts [work dir]
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { settingsFromStackFile } from "../config/stack-file";
import { installCommand, runTool, runToolAsync, ToolResult } from "./tool";
import { plan } from "../plan";
import { AlertRule, RuleGroup, StackHealthInput, stackHealthInput } from "../plan/telemetry/alert-rules";

export const PROMTOOL_INSTALL = installCommand.promtool;
export const unitTestDir = path.resolve(__dirname, "../tests/plan/promtool");

const stackSettings = (stack: string) => settingsFromStackFile(path.resolve(__dirname, `../Pulumi.${stack}.yaml`));

/** The two stacks' alerting inputs, from their stack files (Pulumi.dev.yaml, Pulumi.prod.yaml). */
export const stackInputs: Record<"dev" | "prod", StackHealthInput> = {
    dev: stackHealthInput(stackSettings("dev")),
    prod: stackHealthInput(stackSettings("prod")),
};

/** The rule groups of the stack's PrometheusRule, as the plan of the stack file holds them. */
export function plannedRules(stack: string): { groups: RuleGroup[] } {
    const rule = plan(stackSettings(stack)).objects.find(o => o.kind === "PrometheusRule");
    if (!rule) throw new Error(`stack ${stack} plans no PrometheusRule (external Prometheus?)`);
    return rule.body.spec;
}

export type PromtoolResult = ToolResult;

export const promtool = (args: string[]): PromtoolResult => runTool("promtool", args);

/** promtool without blocking the test process: its unit tests take seconds and can run beside other tests. */
export const promtoolAsync = (args: string[]): Promise<PromtoolResult> => runToolAsync("promtool", args);

export const ruleFileText = (rules: { groups: unknown[] }) => stringify(rules, { lineWidth: 0 });

interface ExpectedAlert {
    exp_labels?: Record<string, string>;
    exp_annotations?: Record<string, string>;
}

/**
 * promtool compares annotations exactly. The unit tests state labels only; the annotations each expected
 * alert must carry are rendered here from its rule, whose templates may only use `{{ $labels.x }}`.
 */
export function withExpectedAnnotations(testYaml: string, rules: AlertRule[]): string {
    const doc = parse(testYaml);
    for (const t of doc.tests ?? []) {
        for (const art of t.alert_rule_test ?? []) {
            for (const exp of (art.exp_alerts ?? []) as ExpectedAlert[]) {
                if (exp.exp_annotations) continue;
                const labels = exp.exp_labels ?? {};
                const matching = rules.filter(r => r.alert === art.alertname && r.labels.severity === labels.severity);
                if (matching.length !== 1) {
                    throw new Error(`test "${t.name}": ${matching.length} rules named ${art.alertname} with severity ${labels.severity}`);
                }
                exp.exp_annotations = Object.fromEntries(
                    Object.entries(matching[0].annotations).map(([k, text]) => [k, render(text, labels, `${art.alertname}.${k}`)]),
                );
            }
        }
    }
    return stringify(doc, { lineWidth: 0 });
}

function render(text: string, labels: Record<string, string>, where: string): string {
    const out = text.replace(/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (_, name: string) => {
        if (labels[name] === undefined) throw new Error(`${where} refers to label ${name}, which the expected alert lacks`);
        return labels[name];
    });
    if (out.includes("{{")) throw new Error(`${where} uses a template the unit tests cannot render: ${text}`);
    return out;
}

/**
 * Writes rules-<stack>.yaml and the unit tests of tests/plan/promtool/<stack>.test.yaml, annotations filled in:
 * one test file per test group, each loading only the alert rules the group names. promtool evaluates every
 * loaded rule at every step up to the group's last eval_time, so the groups that run for hours took seconds
 * each with the whole rule file; the alerts they test are evaluated exactly as before (no rule reads another).
 */
export function writeRuleTests(dir: string): { rules: Record<string, string>; tests: Record<string, string[]> } {
    const rules: Record<string, string> = {};
    const tests: Record<string, string[]> = {};
    for (const stack of Object.keys(stackInputs)) {
        const generated = plannedRules(stack);
        rules[stack] = path.join(dir, `rules-${stack}.yaml`);
        fs.writeFileSync(rules[stack], ruleFileText(generated));
        const unitTests = parse(withExpectedAnnotations(fs.readFileSync(path.join(unitTestDir, `${stack}.test.yaml`), "utf8"), generated.groups.flatMap(g => g.rules)));
        tests[stack] = (unitTests.tests as { alert_rule_test?: { alertname: string }[]; promql_expr_test?: unknown[] }[]).map((group, i) => {
            const named = new Set((group.alert_rule_test ?? []).map(t => t.alertname));
            const ruleFile = path.join(dir, `rules-${stack}-${i}.yaml`);
            const only = generated.groups.map(g => ({ ...g, rules: g.rules.filter(r => named.has(r.alert)) })).filter(g => g.rules.length > 0);
            fs.writeFileSync(ruleFile, ruleFileText(group.promql_expr_test || named.size === 0 ? generated : { groups: only }));
            const file = path.join(dir, `${stack}-${i}.test.yaml`);
            fs.writeFileSync(file, stringify({ ...unitTests, rule_files: [path.basename(ruleFile)], tests: [group] }, { lineWidth: 0 }));
            return file;
        });
    }
    return { rules, tests };
}

if (require.main === module) {
    const dir = process.argv[2] ?? fs.mkdtempSync(path.join(os.tmpdir(), "promtool-"));
    fs.mkdirSync(dir, { recursive: true });
    const { rules, tests } = writeRuleTests(dir);
    const results = [promtool(["check", "rules", ...Object.values(rules)]), promtool(["test", "rules", ...Object.values(tests).flat()])];
    for (const r of results) process.stdout.write(r.output);
    console.log(`files in ${dir}`);
    process.exit(results.every(r => r.ok) ? 0 : 1);
}
