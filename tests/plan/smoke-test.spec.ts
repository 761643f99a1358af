import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { runStack } from "../harness";
import { itWithTool } from "../tools";

interface Fake { url: string; received: Record<string, string[]>; close(): void }

/** Alloy, Tempo, Loki and Prometheus on one local port: stores what is pushed, answers queries from it. */
async function fakeStack(broken: { loki?: boolean; alloy?: boolean } = {}): Promise<Fake> {
    const received: Record<string, string[]> = { traces: [], logs: [], metrics: [] };
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", c => (body += c));
        req.on("end", () => {
            const url = new URL(req.url!, "http://x");
            const push = /^\/v1\/(traces|logs|metrics)$/.exec(url.pathname);
            if (push && req.method === "POST") {
                if (broken.alloy) return res.writeHead(503).end();
                received[push[1]].push(body);
                return res.writeHead(200).end("{}");
            }
            const trace = /^\/api\/traces\/([0-9a-f]{32})$/.exec(url.pathname);
            if (trace) {
                const hit = received.traces.find(t => JSON.parse(t).resourceSpans[0].scopeSpans[0].spans[0].traceId === trace[1]);
                return hit ? res.writeHead(200).end(hit) : res.writeHead(404).end("trace not found");
            }
            const run = /(smoke-[0-9a-f]+)/.exec(url.searchParams.get("query") ?? "")?.[1];
            if (url.pathname === "/loki/api/v1/query_range") {
                const hit = !broken.loki && run && received.logs.some(l => l.includes(run));
                return res.writeHead(200).end(JSON.stringify({ data: { result: hit ? [{ values: [["1", `${run} smoke test log line`]] }] : [] } }));
            }
            if (url.pathname === "/api/v1/query") {
                const hit = run && received.metrics.some(m => m.includes(run));
                return res.writeHead(200).end(JSON.stringify({ data: { result: hit ? [{ metric: { run } }] : [] } }));
            }
            return res.writeHead(404).end();
        });
    });
    await new Promise<void>(r => server.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => server.close() };
}

function runScript(url: string, terminationLog: string): Promise<{ code: number; out: string }> {
    return new Promise(resolve => {
        const child = spawn("sh", [path.join(__dirname, "..", "..", "plan", "smoke-test.sh")], {
            env: {
                PATH: process.env.PATH, ALLOY_OTLP_HTTP: url, TEMPO_URL: url, LOKI_URL: url, PROMETHEUS_URL: url,
                SMOKE_TIMEOUT: "1", SMOKE_INTERVAL: "1", TERMINATION_LOG: terminationLog,
            },
        });
        let out = "";
        child.stdout.on("data", d => (out += d));
        child.stderr.on("data", d => (out += d));
        child.on("close", code => resolve({ code: code ?? -1, out }));
    });
}

describe("smoke test", () => {
    const log = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "smoke-")), "termination-log");

    itWithTool("curl", "passes when the trace, the log line and the metric come back", async () => {
        const fake = await fakeStack();
        try {
            const { code, out } = await runScript(fake.url, log());
            assert.equal(code, 0, out);
            assert.match(out, /PASSED: trace, log and metric arrived/);
            assert.equal(fake.received.traces.length, 1);
            assert.match(fake.received.logs[0], /"traceId":"[0-9a-f]{32}"/);
            assert.match(fake.received.metrics[0], /"name":"monitoring_smoke_test_run"/);
        } finally {
            fake.close();
        }
    });

    itWithTool("curl", "fails naming the signal that did not arrive, in the termination message", async () => {
        const fake = await fakeStack({ loki: true });
        const file = log();
        try {
            const { code, out } = await runScript(fake.url, file);
            assert.equal(code, 1, out);
            const message = fs.readFileSync(file, "utf8");
            assert.match(message, /^FAILED: log line smoke-[0-9a-f]+ not found in Loki \(http:\/\/127\.0\.0\.1:\d+\);$/m);
            assert.doesNotMatch(message, /Tempo|Prometheus/);
        } finally {
            fake.close();
        }
    });

    itWithTool("curl", "fails at once when Alloy refuses the data", async () => {
        const fake = await fakeStack({ alloy: true });
        try {
            const { code, out } = await runScript(fake.url, log());
            assert.equal(code, 1);
            assert.match(out, /FAILED: Alloy refused the OTLP traces/);
        } finally {
            fake.close();
        }
    });

    it("runs as a Job after the pipeline is up, against the wired endpoints, and reports in a stack output", async () => {
        for (const stack of ["dev", "prod"]) {
            const run = await runStack(stack);
            const job = run.byType("kubernetes:batch/v1:Job")[0];
            assert.ok(job, `${stack} has a smoke-test Job`);
            const waits = job.dependencies.map(urn => run.resources.find(r => r.urn === urn)?.name);
            const component = run.resources.find(r => r.urn === job.parent)!;
            const componentWaits = component.dependencies.map(urn => run.resources.find(r => r.urn === urn)?.name);
            for (const release of ["alloy", "loki", "tempo", "kube-prometheus-stack"]) assert.ok(componentWaits.includes(release), `${stack}: waits for ${release}`);
            assert.ok(waits.includes("monitoring-smoke-test-script"));
            const container = job.inputs.spec.template.spec.containers[0];
            const env = Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
            assert.equal(env.ALLOY_OTLP_HTTP, (await run.resolve("alloyOtlpHttp")).value);
            assert.equal(env.TEMPO_URL, (await run.resolve("tempoQueryUrl")).value);
            assert.equal(env.LOKI_URL, (await run.resolve("lokiGatewayUrl")).value);
            assert.equal(env.PROMETHEUS_URL, (await run.resolve("prometheusUrl")).value);
            assert.deepEqual(container.resources.limits, { cpu: "200m", memory: "64Mi" });
            assert.match(job.inputs.spec.template.metadata.annotations["monitoring-stack/run"], /^[0-9a-f]{16}$/);
            assert.match(String((await run.resolve("smokeTest")).value), /^passed: /);
        }
    });

    it("can be turned off", async () => {
        const run = await runStack("dev", { smokeTest: false });
        assert.equal(run.byType("kubernetes:batch/v1:Job").length, 0);
        assert.equal((await run.resolve("smokeTest")).value, "disabled (smokeTest: false)");
    });
});
