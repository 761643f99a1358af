import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { oneLine, render } from "../../scripts/render";
import { root } from "../harness";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
const files = (dir: string) => Object.fromEntries(fs.readdirSync(dir).sort().map(f => [f, fs.readFileSync(path.join(dir, f), "utf8")]));

describe("offline render", function () {
    this.timeout(60000);

    for (const stack of ["dev", "prod"]) {
        it(`writes every release's values for ${stack}, byte for byte the same on a second run`, async () => {
            const [a, b] = [tmp(), tmp()];
            await render(stack, a);
            const summary = await render(stack, b);
            const first = files(path.join(a, stack));
            assert.deepEqual(Object.keys(first), [
                "alloy-node.values.yaml", "alloy.values.yaml", "grafana.values.yaml", "kube-prometheus-stack.values.yaml", "loki.values.yaml",
                "prometheus-operator-crds.values.yaml", "tempo.values.yaml",
            ]);
            assert.deepEqual(files(path.join(b, stack)), first);
            assert.equal(summary, await render(stack, b));
            const loki = parse(first["loki.values.yaml"]);
            assert.equal(loki.loki.limits_config.retention_period, stack === "dev" ? "168h" : "744h");
            assert.ok(!Object.values(first).some(text => text.includes("offline-render")), "no credential stand-in in values");
            assert.match(summary, /^total\s+.*$/m);
            assert.match(summary, new RegExp(`^Deployed shape \\(changes refused after install, see README Day 2\\): namespace=monitoring-stack nodeNamespace=monitoring-stack-node cluster\\.storageClass=${stack === "dev" ? "local-path" : "longhorn"} `, "m"));
            assert.match(summary, /^Install levels \(each waits for the ones before\): 1\. namespace \+ node-namespace {2}2\. prometheus-operator-crds {2}3\. kube-prometheus-stack \+ loki \+ tempo \+ alloy \+ alloy-node \+ grafana {2}4\. smoke-test$/m);
            assert.match(summary, /^loki\s+loki@18\.11\.0\s+https:\/\/grafana-community\.github\.io\/helm-charts\s+(object-storage, )?prometheus-operator-crds/m);
            assert.match(summary, /^prometheusRemoteWriteUrl\s+http:\/\/kube-prometheus-stack-prometheus\.monitoring-stack\.svc\.cluster\.local:9090\/api\/v1\/write$/m);
            assert.match(summary, /^grafanaAdminPassword\s+\[secret\]$/m);
            assert.match(summary, /^alloy-node\s+alloy@1\.11\.1\s.*\smonitoring-stack-node$/m);
            assert.match(summary, /^Pod Security: monitoring-stack enforces restricted \(warn restricted\); monitoring-stack-node enforces privileged \(warn baseline\)$/m);
        });
    }

    it("keeps the dev stack within 2 CPU and 4 GiB of requests", async () => {
        const summary = await render("dev", tmp());
        const [, cpu, memory] = /^total\s+(\d+)m\/(\d+)Mi/m.exec(summary)!;
        assert.ok(Number(cpu) <= 2000, `${cpu}m CPU requested`);
        assert.ok(Number(memory) <= 4096, `${memory}Mi requested`);
    });

    it("refuses an invalid configuration with one line naming the key", async () => {
        const error = await render("dev", tmp(), { loki: { retention: "31 days" } }).then(() => undefined, (e: Error) => e);
        assert.ok(error);
        const line = oneLine(error!);
        assert.doesNotMatch(line, /\n/);
        assert.match(line, /^invalid stack configuration: loki\.retention must be a duration like "744h", got "31 days"$/);
    });

    it("exits non-zero with one line for an unknown stack", () => {
        const result = spawnSync(process.execPath, ["--require", "tsx/cjs", "scripts/render.ts", "staging"], { cwd: root, encoding: "utf8" });
        assert.equal(result.status, 2);
        assert.equal(result.stderr.trim(), 'render: unknown stack "staging"; expected one of: dev, prod (npm run render -- <stack>)');
        assert.equal(result.stdout, "");
    });
});
