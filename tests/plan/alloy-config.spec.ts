// The Alloy configuration, checked structurally: a small parser reads the blocks, the components and the
// references between them, so a typo in a component name, a dangling reference or a wrong URL fails here
// rather than in a crash-looping DaemonSet.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { defaultVersions } from "../../charts/table";
import { alloyConfig, AlloyConfigInput } from "../../plan/telemetry/alloy-config";
import { alloyReceiverPorts } from "../../plan/releases/alloy";
import { wiring, Wiring } from "../../plan/wiring";
import { parseSettings, Settings } from "../../config/settings";
import { PROJECT, Run, runStack, stackConfig } from "../harness";

// ---- a minimal Alloy syntax reader ----------------------------------------------------------------

interface Block {
    /** `otelcol.receiver.otlp`, `rule`, `stage.json`, ... */
    name: string;
    /** The component label, for `<name> "<label>" {`. */
    label?: string;
    /** Attribute name -> value as written (strings keep their quotes). */
    attrs: Record<string, string>;
    blocks: Block[];
}

function parseAlloy(text: string): Block[] {
    let i = 0;
    const fail = (msg: string): never => {
        throw new Error(`${msg} at line ${text.slice(0, i).split("\n").length}`);
    };
    const skipSpace = () => {
        for (;;) {
            while (i < text.length && /\s/.test(text[i])) i++;
            if (text.startsWith("//", i)) i = text.indexOf("\n", i) < 0 ? text.length : text.indexOf("\n", i);
            else return;
        }
    };
    const readString = (): string => {
        const start = i++;
        while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
        if (i >= text.length) fail("unterminated string");
        return text.slice(start, ++i);
    };
    // An attribute value runs to the end of the line, or further while brackets are open.
    const readValue = (): string => {
        const start = i;
        let depth = 0;
        while (i < text.length) {
            const c = text[i];
            if (c === '"') { readString(); continue; }
            if ("[{(".includes(c)) depth++;
            if ("]})".includes(c)) { if (depth === 0) break; depth--; }
            if (c === "\n" && depth === 0) break;
            i++;
        }
        return text.slice(start, i).trim().replace(/,$/, "");
    };
    const readBody = (top: boolean): Block[] & { attrs?: Record<string, string> } => {
        const blocks: Block[] = [];
        const attrs: Record<string, string> = {};
        for (;;) {
            skipSpace();
            if (i >= text.length) { if (top) break; fail("missing }"); }
            if (text[i] === "}") { if (top) fail("unexpected }"); i++; break; }
            const name = /^[A-Za-z_][\w.]*/.exec(text.slice(i))?.[0] ?? fail(`unexpected '${text[i]}'`);
            i += name.length;
            skipSpace();
            if (text[i] === "=") {
                i++;
                skipSpace();
                if (name in attrs) fail(`duplicate attribute ${name}`);
                attrs[name] = readValue();
                continue;
            }
            const label = text[i] === '"' ? readString().slice(1, -1) : undefined;
            skipSpace();
            if (text[i] !== "{") fail(`expected { after ${name}`);
            i++;
            const body = readBody(false);
            blocks.push({ name, label, attrs: body.attrs!, blocks: body });
        }
        return Object.assign(blocks, { attrs });
    };
    const top = readBody(true);
    if (Object.keys(top.attrs!).length > 0) fail("attributes outside a block");
    return [...top];
}

const id = (b: Block) => `${b.name}.${b.label}`;
const find = (b: Block, name: string) => b.blocks.filter(c => c.name === name);
const only = (b: Block, name: string) => {
    const found = find(b, name);
    assert.equal(found.length, 1, `${b.name} must have one ${name} block`);
    return found[0];
};
const str = (value: string | undefined) => {
    assert.ok(value && /^".*"$/.test(value), `expected a string, got ${value}`);
    return JSON.parse(value!) as string;
};

/** Every attribute value in a block and its children. */
function values(b: Block): string[] {
    return [...Object.values(b.attrs), ...b.blocks.flatMap(values)];
}

/** `<type>.<label>.<export>` references: dotted names of three parts or more, outside strings and calls. */
function references(b: Block): { component: string; field: string }[] {
    return values(b).flatMap(v =>
        [...v.replace(/"(?:[^"\\]|\\.)*"/g, '""').matchAll(/(?<![\w.])[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*){2,}(?![\w.]|\s*\()/g)].map(m => {
            const parts = m[0].split(".");
            return { component: parts.slice(0, -1).join("."), field: parts[parts.length - 1] };
        }),
    );
}

// Component types used, each checked against the Alloy v1.18.1 reference docs
// (docs/sources/reference/components/<namespace>/<type>.md), with what they export.
const exportsOf: Record<string, string[]> = {
    "discovery.kubernetes": ["targets"],
    "discovery.relabel": ["output", "rules"],
    "prometheus.scrape": [],
    "prometheus.remote_write": ["receiver"],
    "loki.source.file": [],
    "loki.source.kubernetes_events": [],
    "loki.process": ["receiver"],
    "loki.write": ["receiver"],
    "otelcol.receiver.otlp": [],
    "otelcol.receiver.jaeger": [],
    "otelcol.receiver.zipkin": [],
    "otelcol.processor.memory_limiter": ["input"],
    "otelcol.processor.k8sattributes": ["input"],
    "otelcol.processor.batch": ["input"],
    "otelcol.exporter.otlp": ["input"],
    "otelcol.exporter.otlphttp": ["input"],
    "otelcol.exporter.prometheus": ["input"],
};
/** Components that start a pipeline: nothing references them, they forward to others. */
const sources = ["prometheus.scrape", "loki.source.file", "loki.source.kubernetes_events", "otelcol.receiver.otlp", "otelcol.receiver.jaeger", "otelcol.receiver.zipkin"];

interface Parsed {
    text: string;
    components: Map<string, Block>;
    byType: (type: string) => Block[];
    component: (type: string, label: string) => Block;
}

function parsed(text: string): Parsed {
    const blocks = parseAlloy(text);
    const components = new Map<string, Block>();
    for (const b of blocks.filter(b => b.label !== undefined)) {
        assert.ok(!components.has(id(b)), `${id(b)} is declared twice`);
        components.set(id(b), b);
    }
    assert.deepEqual(blocks.filter(b => b.label === undefined).map(b => b.name), ["logging"], "the only unlabelled top-level block is logging");
    return {
        text,
        components,
        byType: type => [...components.values()].filter(b => b.name === type),
        component: (type, label) => components.get(`${type}.${label}`) ?? assert.fail(`${type} "${label}" is not declared`),
    };
}

// ---- the structural checks, for any configuration -------------------------------------------------

function checkGraph(p: Parsed): void {
    assert.ok(!p.text.includes("{{"), "the chart runs the config through Helm tpl: no {{");
    const referenced = new Set<string>();
    for (const [name, b] of p.components) {
        assert.ok(b.name in exportsOf, `${b.name} is not a component type verified against the Alloy docs`);
        for (const ref of references(b)) {
            const target = p.components.get(ref.component);
            assert.ok(target, `${name} references ${ref.component}, which is not declared`);
            assert.ok(exportsOf[target!.name].includes(ref.field), `${name} uses ${ref.component}.${ref.field}, but ${target!.name} exports ${exportsOf[target!.name].join(", ")}`);
            assert.notEqual(ref.component, name, `${name} references itself`);
            referenced.add(ref.component);
        }
    }
    for (const [name, b] of p.components) {
        if (sources.includes(b.name)) assert.ok(references(b).length > 0, `source ${name} forwards nowhere`);
        else assert.ok(referenced.has(name), `${name} is declared but nothing uses it`);
    }
}

function checkWiring(p: Parsed, w: Wiring, role: AlloyConfigInput["role"]): void {
    assert.equal(str(only(p.component("prometheus.remote_write", "default"), "endpoint").attrs.url), w.prometheus.remoteWriteUrl);
    // loki.write serves the tailed logs (node agent) and the events (receiver, where it collects them).
    for (const l of p.byType("loki.write")) assert.equal(str(only(l, "endpoint").attrs.url), w.loki.pushUrl);
    assert.ok(!p.text.includes("tenant_id"), "Loki is single-tenant: no tenant header");
    if (role === "node") return;
    const tempo = only(p.component("otelcol.exporter.otlp", "tempo"), "client");
    assert.equal(str(tempo.attrs.endpoint), w.tempo.otlpGrpc);
    assert.equal(only(tempo, "tls").attrs.insecure, "true");
    assert.equal(str(only(p.component("otelcol.exporter.otlphttp", "loki"), "client").attrs.endpoint), w.loki.otlpUrl);
    // Signals end where they belong.
    const batch = only(p.component("otelcol.processor.batch", "default"), "output").attrs;
    assert.equal(batch.traces, "[otelcol.exporter.otlp.tempo.input]");
    assert.equal(batch.logs, "[otelcol.exporter.otlphttp.loki.input]");
    assert.equal(batch.metrics, "[otelcol.exporter.prometheus.default.input]");
    assert.equal(p.component("otelcol.exporter.prometheus", "default").attrs.forward_to, "[prometheus.remote_write.default.receiver]");
}

function checkReceivers(p: Parsed): void {
    const listen = (b: Block) => Number(/^"0\.0\.0\.0:(\d+)"$/.exec(b.attrs.endpoint ?? "")?.[1] ?? assert.fail(`${b.name} listens on ${b.attrs.endpoint}`));
    const otlp = p.component("otelcol.receiver.otlp", "default");
    const jaeger = only(p.component("otelcol.receiver.jaeger", "default"), "protocols");
    const byName = Object.fromEntries(alloyReceiverPorts.map(r => [r.name, r]));
    const used = {
        "otlp-grpc": listen(only(otlp, "grpc")),
        "otlp-http": listen(only(otlp, "http")),
        "jaeger-grpc": listen(only(jaeger, "grpc")),
        "jaeger-http": listen(only(jaeger, "thrift_http")),
        "jaeger-compact": listen(only(jaeger, "thrift_compact")),
        zipkin: listen(p.component("otelcol.receiver.zipkin", "default")),
    };
    assert.deepEqual(Object.keys(used).sort(), Object.keys(byName).sort(), "one receiver per Service port");
    for (const [name, port] of Object.entries(used)) assert.equal(port, byName[name].port, `${name} port`);
    // thrift_compact is the UDP receiver; the Service port must say so.
    assert.equal(byName["jaeger-compact"].protocol, "UDP");
    // Every receiver goes through the memory limiter, then Kubernetes attributes, then batching.
    const first = "[otelcol.processor.memory_limiter.default.input]";
    for (const out of [only(otlp, "output"), only(p.component("otelcol.receiver.jaeger", "default"), "output"), only(p.component("otelcol.receiver.zipkin", "default"), "output")]) {
        for (const signal of Object.values(out.attrs)) assert.equal(signal, first);
    }
    for (const signal of Object.values(only(p.component("otelcol.processor.memory_limiter", "default"), "output").attrs)) {
        assert.equal(signal, "[otelcol.processor.k8sattributes.default.input]");
    }
    for (const signal of Object.values(only(p.component("otelcol.processor.k8sattributes", "default"), "output").attrs)) {
        assert.equal(signal, "[otelcol.processor.batch.default.input]");
    }
}

/** Scrapes and log tails are exactly-once because discovery is node-local and scrapes are not sharded. */
function checkNodeLocal(p: Parsed): void {
    const discoveries = p.byType("discovery.kubernetes");
    assert.ok(discoveries.length > 0);
    for (const d of discoveries) {
        assert.equal(str(d.attrs.role), "pod", "only pods are discovered: node, kubelet and cAdvisor metrics are kube-prometheus-stack's");
        const sel = only(d, "selectors");
        assert.equal(str(sel.attrs.role), "pod");
        assert.match(sel.attrs.field, /^"spec\.nodeName=" \+ coalesce\(sys\.env\("HOSTNAME"\), constants\.hostname\)$/);
    }
    for (const s of p.byType("prometheus.scrape")) {
        assert.equal(find(s, "clustering").length, 0, `${id(s)}: clustering would split node-local targets between peers and drop them`);
    }
    assert.ok(!/prometheus\.exporter\.(unix|cadvisor)|discovery\.kubelet/.test(p.text), "no node-level collectors");
}

function checkPodMetrics(p: Parsed): void {
    const rules = find(p.component("discovery.relabel", "pod_metrics"), "rule").map(r => r.attrs);
    const keep = rules.find(r => r.action === '"keep"');
    assert.deepEqual(keep, { source_labels: '["__meta_kubernetes_pod_annotation_prometheus_io_scrape"]', regex: '"true"', action: '"keep"' });
    const target = (label: string) => rules.find(r => r.target_label === `"${label}"`) ?? assert.fail(`no rule sets ${label}`);
    assert.match(target("__address__").source_labels, /prometheus_io_port/);
    assert.match(target("__metrics_path__").source_labels, /prometheus_io_path/);
    assert.match(target("__scheme__").source_labels, /prometheus_io_scheme/);
    // The port rewrite, as Prometheus applies it (anchored, RE2-compatible here).
    const re = new RegExp(`^(?:${str(target("__address__").regex)})$`);
    const rewrite = (addr: string) => `${addr}`.replace(re, str(target("__address__").replacement));
    assert.equal(rewrite("10.42.0.7:8080;9102"), "10.42.0.7:9102");
    assert.equal(rewrite("10.42.0.7;9102"), "10.42.0.7:9102");
    assert.equal(p.component("prometheus.scrape", "pods").attrs.targets, "discovery.relabel.pod_metrics.output");
}

function checkPodLogs(p: Parsed): void {
    const rules = find(p.component("discovery.relabel", "pod_logs"), "rule").map(r => r.attrs);
    const labels = new Set(rules.map(r => r.target_label && str(r.target_label)).filter(Boolean));
    for (const l of ["namespace", "pod", "container", "app", "__path__"]) assert.ok(labels.has(l), `pod logs get ${l}`);
    assert.match(rules.find(r => r.target_label === '"__path__"')!.replacement, /^"\/var\/log\/pods\//);
    const app = rules.find(r => r.target_label === '"app"')!;
    const appOf = (joined: string) => new RegExp(`^(?:${str(app.regex)})$`).exec(joined)?.[1];
    assert.equal(appOf("checkout;;server"), "checkout");
    assert.equal(appOf(";legacy;server"), "legacy");
    assert.equal(appOf(";;server"), "server");

    const file = p.component("loki.source.file", "pods");
    assert.equal(file.attrs.targets, "discovery.relabel.pod_logs.output");
    assert.equal(only(file, "file_match").attrs.enabled, "true");

    const proc = p.component("loki.process", "pods");
    const stages = proc.blocks.map(b => b.name);
    assert.ok(stages.indexOf("stage.cri") < stages.indexOf("stage.json"), "the CRI envelope is removed before JSON parsing");
    const json = only(proc, "stage.json").attrs.expressions;
    assert.match(json, /level\s*=\s*"level"/);
    assert.match(json, /trace_id_raw\s*=\s*"traceID \|\| traceId \|\| TraceId \|\| TraceID \|\| trace_id"/);
    const regex = only(proc, "stage.regex").attrs;
    assert.equal(str(regex.source), "trace_id_raw");
    assert.ok(stages.indexOf("stage.json") < stages.indexOf("stage.regex") && stages.indexOf("stage.regex") < stages.indexOf("stage.structured_metadata"));
    assert.match(only(proc, "stage.structured_metadata").attrs.values, /trace_id = ""/);
    assert.doesNotMatch(only(proc, "stage.labels").attrs.values, /trace/, "trace ids are never labels");
    assert.equal(proc.attrs.forward_to, "[loki.write.default.receiver]");
}

function checkEvents(p: Parsed, input: AlloyConfigInput): void {
    const events = p.byType("loki.source.kubernetes_events");
    if (input.role === "node") {
        assert.equal(events.length, 0, "the node agent leaves the events to the receiver: one per node would send each again");
    } else if (input.clustering || input.replicas === 1) {
        assert.equal(events.length, 1, "events are collected once");
        assert.equal(only(events[0], "clustering").attrs.enabled, "true", "one peer owns the all-namespaces target");
        assert.equal(events[0].attrs.namespaces, undefined, "all namespaces: one target, one owner");
        assert.equal(events[0].attrs.forward_to, "[loki.write.default.receiver]");
    } else {
        assert.equal(events.length, 0, "without clustering every receiving replica would collect every event");
    }
}

function checkAll(text: string, input: AlloyConfigInput): void {
    const p = parsed(text);
    checkGraph(p);
    checkWiring(p, input.wiring, input.role);
    checkEvents(p, input);
    if (input.role === "receiver") {
        checkReceivers(p);
        // Nothing here reads the node: the receiver runs without host access.
        assert.deepEqual([...p.byType("discovery.kubernetes"), ...p.byType("loki.source.file"), ...p.byType("prometheus.scrape")], []);
    } else {
        checkNodeLocal(p);
        checkPodMetrics(p);
        checkPodLogs(p);
        assert.ok(!/otelcol\./.test(p.text), "no receivers on the node agent: applications send to the alloy Service");
    }
}

// ---- the tests ---------------------------------------------------------------------------------------

/** The settings a stack file gives, parsed the way the program parses them. */
function stackSettings(stack: string): Settings {
    const raw = Object.fromEntries(
        Object.entries(stackConfig(stack)).filter(([k]) => k.startsWith(`${PROJECT}:`)).map(([k, v]) => {
            let value: unknown = v;
            try { value = JSON.parse(v); } catch { /* a plain string */ }
            return [k.slice(PROJECT.length + 1), value];
        }),
    );
    return parseSettings(raw, defaultVersions);
}

const golden = (stack: string, role = "") => path.join(__dirname, "golden", `alloy-${role}${stack}.alloy`);

describe("Alloy configuration", () => {
    describe("the parser used by these tests", () => {
        it("reads components, nested blocks and references, and rejects broken text", () => {
            const p = parsed('logging {\n}\na.b "x" {\n  forward_to = [c.d.y.receiver]\n  inner {\n    url = "http://h/{x}"\n  }\n}\nc.d "y" {\n}\n');
            assert.deepEqual([...p.components.keys()], ["a.b.x", "c.d.y"]);
            assert.deepEqual(references(p.component("a.b", "x")), [{ component: "c.d.y", field: "receiver" }]);
            assert.equal(only(p.component("a.b", "x"), "inner").attrs.url, '"http://h/{x}"');
            assert.throws(() => parseAlloy('a.b "x" {\n'), /missing }/);
            assert.throws(() => parseAlloy("a = 1\n"), /outside a block/);
        });

        it("catches a dangling reference and an unused component", () => {
            assert.throws(() => checkGraph(parsed('logging {\n}\nloki.process "a" {\n  forward_to = [loki.write.b.receiver]\n}\n')), /not declared/);
            assert.throws(() => checkGraph(parsed('logging {\n}\nloki.write "b" {\n}\n')), /nothing uses it/);
            assert.throws(
                () => checkGraph(parsed('logging {\n}\nloki.process "a" {\n  forward_to = [loki.write.b.input]\n}\nloki.write "b" {\n}\n')),
                /exports receiver/,
            );
        });
    });

    for (const [label, input] of [
        ["receiver, one replica, no clustering", { role: "receiver", clustering: false, replicas: 1 }],
        ["receiver, two replicas, clustering", { role: "receiver", clustering: true, replicas: 2 }],
        ["receiver, two replicas, no clustering", { role: "receiver", clustering: false, replicas: 2 }],
        ["node agent", { role: "node", clustering: false, replicas: 2 }],
    ] as const) {
        it(`builds a consistent pipeline: ${label}`, () => {
            const full = { ...input, wiring: wiring(stackSettings("prod")) };
            checkAll(alloyConfig(full), full);
        });
    }

    for (const stack of ["dev", "prod"]) {
        describe(`${stack} stack`, () => {
            let run: Run;
            let settings: Settings;
            let text: string;
            let nodeText: string;
            before(async () => {
                run = await runStack(stack);
                settings = stackSettings(stack);
                text = run.release("alloy").inputs.values.alloy.configMap.content;
                nodeText = run.release("alloy-node").inputs.values.alloy.configMap.content;
            });

            it("hands the builder's output to the charts, wired to this stack's services", async () => {
                const w = wiring(settings);
                const input = { wiring: w, clustering: settings.alloy.clustering, replicas: settings.alloy.replicas, role: "receiver" } as const;
                assert.equal(text, alloyConfig(input));
                checkAll(text, input);
                const node = { ...input, clustering: false, role: "node" } as const;
                assert.equal(nodeText, alloyConfig(node));
                checkAll(nodeText, node);
                // The wiring the test parsed is the program's: the stack outputs agree.
                assert.equal(w.prometheus.remoteWriteUrl, (await run.resolve("prometheusRemoteWriteUrl")).value);
                assert.equal(w.loki.pushUrl, (await run.resolve("lokiPushUrl")).value);
                assert.equal(w.tempo.otlpGrpc, (await run.resolve("tempoOtlpGrpc")).value);
            });

            it("collects the Kubernetes events exactly once: in the receiver only, clustered when it has several replicas", () => {
                const count = (t: string) => parsed(t).byType("loki.source.kubernetes_events").length;
                const v = run.release("alloy").inputs.values;
                assert.equal(count(nodeText), 0, "one node agent per node would send each event again");
                assert.equal(count(text), 1);
                assert.equal(v.controller.type, "deployment");
                if (v.controller.replicas > 1) assert.equal(v.alloy.clustering.enabled, true, "several replicas: one clustered peer owns the events");
                assert.equal(run.release("alloy-node").inputs.values.alloy.clustering.enabled, false);
            });

            it("receives in a Deployment in the main namespace with no host access, behind the alloy Service the applications use", async () => {
                const r = run.release("alloy");
                const v = r.inputs.values;
                assert.equal(r.inputs.namespace, settings.namespace);
                assert.equal(v.controller.type, "deployment");
                assert.equal(v.controller.replicas, settings.alloy.replicas);
                assert.equal(v.alloy.mounts.varlog, false);
                assert.equal(v.controller.tolerations, undefined, "a Deployment need not run on tainted nodes");
                assert.ok(v.controller.volumes.extra.every((x: Record<string, unknown>) => !("hostPath" in x)), "no hostPath");
                if (settings.alloy.replicas > 1) assert.deepEqual(v.controller.podDisruptionBudget, { enabled: true, maxUnavailable: 1 }, "one receiver stays through a drain");
                else assert.equal(v.controller.podDisruptionBudget, undefined, "a single replica would block every drain");
                assert.equal((await run.resolve("alloyOtlpHttp")).value, `http://alloy.${settings.namespace}.svc.${settings.cluster.domain}:4318`);
            });

            it("runs one node agent per node in the node namespace, with the node name in HOSTNAME for node-local discovery", () => {
                const r = run.release("alloy-node");
                const v = r.inputs.values;
                assert.equal(r.inputs.namespace, settings.nodeNamespace);
                assert.equal(v.controller.type, "daemonset");
                assert.deepEqual(v.controller.tolerations, [{ operator: "Exists" }], "on every node, tainted ones too");
                assert.equal(v.alloy.extraPorts, undefined, "no receivers on the node agent");
                assert.equal(v.alloy.mounts.varlog, true);
                // Positions and WAL on the node: a restarted Alloy neither re-reads logs nor re-sends events.
                const mount = v.alloy.mounts.extra.find((m: { mountPath: string }) => m.mountPath === v.alloy.storagePath);
                assert.ok(mount, "the storage path is a mounted volume");
                const volume = v.controller.volumes.extra.find((x: { name: string }) => x.name === mount.name);
                assert.equal(volume.hostPath.type, "DirectoryOrCreate");
                // The single-namespace install's path: the positions of the tailed files carry over to the node agent.
                assert.equal(volume.hostPath.path, `/var/lib/alloy-${settings.namespace}`);
            });

            it("exposes every receiver port on the Service", () => {
                const extra = run.release("alloy").inputs.values.alloy.extraPorts;
                assert.deepEqual(
                    extra.map((p: { port: number; targetPort: number; protocol: string }) => `${p.port}/${p.protocol}`).sort(),
                    alloyReceiverPorts.map(p => `${p.port}/${p.protocol}`).sort(),
                );
            });

            it("matches the reviewed golden files (UPDATE_GOLDEN=1 rewrites them)", () => {
                if (process.env.UPDATE_GOLDEN) {
                    fs.writeFileSync(golden(stack), text);
                    fs.writeFileSync(golden(stack, "node-"), nodeText);
                }
                assert.equal(text, fs.readFileSync(golden(stack), "utf8"), `tests/plan/golden/alloy-${stack}.alloy is out of date`);
                assert.equal(nodeText, fs.readFileSync(golden(stack, "node-"), "utf8"), `tests/plan/golden/alloy-node-${stack}.alloy is out of date`);
            });
        });
    }
});
