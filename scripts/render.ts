// npm run render -- <stack>
// Prints the plan of a stack file (no Pulumi runtime, no cluster, no credentials): writes every release's Helm
// values to out/<stack>/<release>.values.yaml and prints the install levels, the footprint and the outputs.
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { settingsFromStackFile } from "../config/stack-file";
import { plan, ReleasePlan, Values } from "../plan";
import { formatCpu, formatMemory, sum } from "../plan/guardrails/footprint";

export const root = path.resolve(__dirname, "..");

function table(rows: string[][]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
    return rows.map(r => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

const retentionOf = (values: Values): string =>
    values.loki?.limits_config?.retention_period ? `logs ${values.loki.limits_config.retention_period}`
        : values.tempo?.retention ? `traces ${values.tempo.retention}`
            : values.compactor?.config?.compaction?.block_retention ? `traces ${values.compactor.config.compaction.block_retention}`
                : values.prometheus?.prometheusSpec?.retention ? `metrics ${values.prometheus.prometheusSpec.retention}`
                    : "-";

/** A configuration error or any other failure as one line, for a terminal or a CI log. */
export const oneLine = (e: Error) => e.message.replace(/\n\s*-\s*/g, "; ").replace(/:;/g, ":").replace(/\s*\n\s*/g, " ");

const waitsFor = (r: ReleasePlan) => (r.waitsFor.length ? [...r.waitsFor].sort().join(", ") : "namespace");

export async function render(stack: string, outDir = path.join(root, "out"), overrides: Record<string, unknown> = {}): Promise<string> {
    const settings = settingsFromStackFile(path.join(root, `Pulumi.${stack}.yaml`), overrides);
    const p = plan(settings);
    const releases = [...p.releases].sort((a, b) => a.name.localeCompare(b.name));
    const dir = path.join(outDir, stack);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const r of releases) fs.writeFileSync(path.join(dir, `${r.name}.values.yaml`), stringify(r.values, { sortMapEntries: true, aliasDuplicateObjects: false }));

    const feet = releases.map(r => p.footprint.find(f => f.release === r.name)!.footprint);
    const rows = [["release", "chart", "repository", "waits for", "requests cpu/mem", "limits cpu/mem", "storage", "retention", "namespace"]];
    releases.forEach((r, i) => {
        const f = feet[i];
        rows.push([
            r.name, `${r.chartName}@${r.version}`, r.repo, waitsFor(r),
            `${formatCpu(f.requests.cpu)}/${formatMemory(f.requests.memory)}`, `${formatCpu(f.limits.cpu)}/${formatMemory(f.limits.memory)}`,
            formatMemory(f.storage), retentionOf(r.values), r.namespace,
        ]);
    });
    const total = sum(feet);
    rows.push(["total", "", "", "", `${formatCpu(total.requests.cpu)}/${formatMemory(total.requests.memory)}`,
        `${formatCpu(total.limits.cpu)}/${formatMemory(total.limits.memory)}`, formatMemory(total.storage), "", ""]);

    // The generated password is shown as what it is; the smoke test's result exists only after a real `pulumi up`.
    const outputs: Record<string, unknown> = { ...p.outputs, grafanaAdminPassword: "[secret]" };
    const endpoints = [["output", "value"], ...Object.keys(outputs).sort().filter(n => typeof outputs[n] === "string").map(n => [n, String(outputs[n])])];
    const pods = feet.flatMap((f, i) => f.workloads.map(w => [releases[i].name, w.what, String(w.replicas),
        `${formatCpu(w.requests.cpu)}/${formatMemory(w.requests.memory)}`, `${formatCpu(w.limits.cpu)}/${formatMemory(w.limits.memory)}`]));
    const objects = p.objects.map(o => [o.kind, o.metadata.name ?? `(generated) ${o.resource || o.owner}`, o.group, o.namespace ?? (o.kind === "Namespace" ? "" : p.namespace)]);
    const security = p.objects.filter(o => o.kind === "Namespace")
        .map(o => `${o.metadata.name} enforces ${o.metadata.labels?.["pod-security.kubernetes.io/enforce"]} (warn ${o.metadata.labels?.["pod-security.kubernetes.io/warn"]})`);
    return [
        `stack ${stack}: ${releases.length} releases, values in ${path.relative(root, dir)}/`,
        "",
        ...p.warnings.map(w => `warning: ${w}\n`),
        `Install levels (each waits for the ones before): ${p.levels.map((l, i) => `${i + 1}. ${l.join(" + ")}`).join("  ")}`,
        "",
        `Pod Security: ${security.join("; ")}`,
        // What a `pulumi up` records (stack output deployedShape) and a later one may not change without a runbook.
        `Deployed shape (changes refused after install, see README Day 2): ${Object.entries(p.shape.keys).map(([k, v]) => `${k}=${v ?? "-"}`).join(" ")}`,
        "",
        table(rows),
        "",
        `Per container (requests and limits of one; DaemonSets run one per node, ${settings.cluster.nodes} here; limits left unset count as the LimitRange default):`,
        table([["release", "workload", "replicas", "requests cpu/mem", "limits cpu/mem"], ...pods]),
        "",
        "The program's own objects:",
        table([["kind", "name", "group", "namespace"], ...objects]),
        "",
        table(endpoints),
        "",
    ].join("\n");
}

if (require.main === module) {
    const stack = process.argv[2];
    const stacks = fs.readdirSync(root).map(f => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => !!s);
    if (!stack || !stacks.includes(stack)) {
        console.error(`render: ${stack ? `unknown stack "${stack}"` : "no stack given"}; expected one of: ${stacks.join(", ")} (npm run render -- <stack>)`);
        process.exit(2);
    }
    render(stack).then(
        summary => process.stdout.write(summary),
        (e: Error) => {
            console.error(`render ${stack}: ${oneLine(e)}`);
            process.exit(1);
        },
    );
}
