// npm run render -- <stack>
// Evaluates the program offline (Pulumi runtime mocks: no cluster, no CLI, no credentials), writes every
// release's Helm values to out/<stack>/<release>.values.yaml and prints what the stack will run.
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { footprint, formatCpu, formatMemory, Footprint, sum } from "../components/footprint";
import { containerDefaults } from "../components/sizes";
import { quantity } from "../policy/parse";
import { root, Run, runStack, stackConfig } from "../tests/harness";

/** Stand-ins for the secret config: they reach only the object-storage and Alertmanager Secrets, never a values file. */
const offlineSecrets = (config: Record<string, string>) => ({
    objectStorageAccessKeyId: "offline-render",
    objectStorageSecretAccessKey: "offline-render",
    // One per receiver; a URL fits every kind's credential check.
    alertingSecrets: JSON.stringify(Object.fromEntries(
        Object.keys(JSON.parse(config["monitoring-stack:alerting"] ?? "{}").receivers ?? {}).map(name => [name, "https://offline-render.invalid/"]),
    )),
});

const RELEASE = "kubernetes:helm.sh/v3:Release";

function table(rows: string[][]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
    return rows.map(r => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

const retentionOf = (values: Record<string, any>): string =>
    values.loki?.limits_config?.retention_period ? `logs ${values.loki.limits_config.retention_period}`
        : values.tempo?.retention ? `traces ${values.tempo.retention}`
            : values.compactor?.config?.compaction?.block_retention ? `traces ${values.compactor.config.compaction.block_retention}`
                : values.prometheus?.prometheusSpec?.retention ? `metrics ${values.prometheus.prometheusSpec.retention}`
                    : "-";

/** A configuration error or any other failure as one line, for a terminal or a CI log. */
export const oneLine = (e: Error) => e.message.replace(/\n\s*-\s*/g, "; ").replace(/:;/g, ":").replace(/\s*\n\s*/g, " ");

export async function render(stack: string, outDir = path.join(root, "out"), overrides: Record<string, unknown> = {}): Promise<string> {
    const run: Run = await runStack(stack, overrides, offlineSecrets(stackConfig(stack, overrides)));
    const nodes = Number(JSON.parse(stackConfig(stack, overrides)["monitoring-stack:cluster"] ?? "{}").nodes ?? 1);
    const limitDefaults = { cpu: quantity(containerDefaults.default.cpu)!, memory: quantity(containerDefaults.default.memory)! };
    const releases = run.byType(RELEASE).sort((a, b) => a.inputs.name.localeCompare(b.inputs.name));
    const dir = path.join(outDir, stack);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const r of releases) {
        fs.writeFileSync(path.join(dir, `${r.inputs.name}.values.yaml`), stringify(r.inputs.values, { sortMapEntries: true }));
    }

    const nameOf = (urn: string) => run.resources.find(x => x.urn === urn);
    const waitsFor = (r: (typeof releases)[number]) => {
        const component = nameOf(r.parent)!;
        const names = component.dependencies.map(u => nameOf(u)?.name ?? "?").filter(n => releases.some(x => x.inputs.name === n) || n.startsWith("monitoring-"));
        return names.length ? names.sort().join(", ") : "namespace";
    };
    const feet: Footprint[] = releases.map(r => footprint(r.inputs.chart, r.inputs.values, nodes, limitDefaults));
    const rows = [["release", "chart", "repository", "waits for", "requests cpu/mem", "limits cpu/mem", "storage", "retention"]];
    releases.forEach((r, i) => {
        const f = feet[i];
        rows.push([
            r.inputs.name, `${r.inputs.chart}@${r.inputs.version}`, r.inputs.repositoryOpts.repo, waitsFor(r),
            `${formatCpu(f.requests.cpu)}/${formatMemory(f.requests.memory)}`, `${formatCpu(f.limits.cpu)}/${formatMemory(f.limits.memory)}`,
            formatMemory(f.storage), retentionOf(r.inputs.values),
        ]);
    });
    const total = sum(feet);
    rows.push(["total", "", "", "", `${formatCpu(total.requests.cpu)}/${formatMemory(total.requests.memory)}`,
        `${formatCpu(total.limits.cpu)}/${formatMemory(total.limits.memory)}`, formatMemory(total.storage), ""]);

    const endpoints = [["output", "value"]];
    // The smoke test's result exists only after a real `pulumi up`.
    for (const name of Object.keys(run.outputs).filter(n => n !== "smokeTest").sort()) {
        const { value, secret } = await run.resolve(name);
        if (typeof value === "string") endpoints.push([name, secret ? "[secret]" : value]);
    }
    const pods = feet.flatMap((f, i) => f.workloads.map(w => [releases[i].inputs.name, w.what, String(w.replicas),
        `${formatCpu(w.requests.cpu)}/${formatMemory(w.requests.memory)}`, `${formatCpu(w.limits.cpu)}/${formatMemory(w.limits.memory)}`]));
    return [
        `stack ${stack}: ${releases.length} releases, values in ${path.relative(root, dir)}/`,
        "",
        table(rows),
        "",
        `Per container (requests and limits of one; DaemonSets run one per node, ${nodes} here; limits left unset count as the LimitRange default):`,
        table([["release", "workload", "replicas", "requests cpu/mem", "limits cpu/mem"], ...pods]),
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
