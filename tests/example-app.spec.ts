// Runs examples/app-stack under Pulumi runtime mocks. Its StackReference answers with the outputs of the
// real monitoring program run under mocks, so the example is held to the contract the stack exports.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { parse } from "yaml";
// A type-only import: tsc --noEmit at the root type-checks the example through it.
import type * as exampleApp from "../examples/app-stack/index";
import { Values } from "../charts/values";
import { root, runStack, valueOf } from "./harness";

const exampleDir = path.join(root, "examples", "app-stack");
const readYaml = (file: string) => parse(fs.readFileSync(path.join(exampleDir, file), "utf8"));
const project: string = readYaml("Pulumi.yaml").name;
const devConfig: Record<string, string> = readYaml("Pulumi.dev.yaml").config;

interface Registered {
    type: string;
    name: string;
    id?: string;
    inputs: Values;
}

// Internal in @pulumi/pulumi 3.248 to 3.276 (runtime/settings.js): resolves once every queued registration is done.
const { waitForRPCs } = settings as unknown as { waitForRPCs: () => Promise<void> };

async function monitoringOutputs(): Promise<Record<string, unknown>> {
    const dev = await runStack("dev");
    const names = Object.keys(dev.outputs);
    const values = await Promise.all(names.map(async n => (await dev.resolve(n)).value));
    return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

async function runExample(config: Record<string, string>, monitoring: Record<string, unknown>): Promise<Registered[]> {
    const registered: Registered[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: args => {
                registered.push({ type: args.type, name: args.name, id: args.id, inputs: args.inputs });
                if (args.type === "pulumi:pulumi:StackReference") {
                    return { id: args.id ?? args.inputs.name, state: { name: args.inputs.name, outputs: monitoring, secretOutputNames: [] } };
                }
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: args => args.inputs,
        },
        project,
        "dev",
        false,
    );
    pulumi.runtime.setAllConfig(config);
    for (const id of Object.keys(require.cache)) if (id.startsWith(exampleDir)) delete require.cache[id];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- re-runs the example's entry module under the mocks just set, after dropping it from require.cache
    const outputs = require(path.join(exampleDir, "index.ts")) as typeof exampleApp;
    await Promise.all(Object.values(outputs).map(valueOf));
    await waitForRPCs();
    return registered;
}

describe("examples/app-stack under mocks", function () {
    let monitoring: Record<string, unknown>;
    let resources: Registered[];
    const one = (type: string) => {
        const found = resources.filter(r => r.type === type);
        assert.equal(found.length, 1, `exactly one ${type}`);
        return found[0];
    };
    const pod = () => one("kubernetes:apps/v1:Deployment").inputs.spec.template;
    const container = () => pod().spec.containers[0];
    const env = () => container().env as { name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }[];
    const envValue = (name: string) => env().find(e => e.name === name)?.value;

    before(async () => {
        monitoring = await monitoringOutputs();
        resources = await runExample(devConfig, monitoring);
    });

    it("references the monitoring stack named in its stack configuration", () => {
        const ref = one("pulumi:pulumi:StackReference");
        assert.equal(devConfig[`${project}:monitoringStack`], "organization/monitoring-stack/dev");
        assert.equal(ref.inputs.name, devConfig[`${project}:monitoringStack`]);
        assert.equal(ref.id, ref.inputs.name);
    });

    it("gives the container every otelEnv entry of the monitoring stack unchanged", () => {
        const otelEnv = monitoring.otelEnv as Record<string, string>;
        assert.equal(otelEnv.OTEL_EXPORTER_OTLP_ENDPOINT, `http://alloy.${monitoring.namespace}.svc.cluster.local:4318`);
        assert.equal(otelEnv.OTEL_EXPORTER_OTLP_PROTOCOL, "http/protobuf");
        for (const [name, value] of Object.entries(otelEnv)) assert.equal(envValue(name), value, name);
        assert.equal(envValue("QUICKPIZZA_OTLP_ENDPOINT"), otelEnv.OTEL_EXPORTER_OTLP_ENDPOINT);
        const names = env().map(e => e.name);
        assert.equal(new Set(names).size, names.length, "no variable twice");
    });

    it("names the service and describes the pod through the downward API, defined before use", () => {
        assert.equal(envValue("OTEL_SERVICE_NAME"), "quickpizza");
        const attributes = Object.fromEntries(envValue("OTEL_RESOURCE_ATTRIBUTES")!.split(",").map(kv => kv.split("=")));
        assert.deepEqual(attributes, {
            "k8s.namespace.name": "$(K8S_NAMESPACE_NAME)",
            "k8s.pod.name": "$(K8S_POD_NAME)",
            "deployment.environment.name": "dev",
        });
        const index = (name: string) => env().findIndex(e => e.name === name);
        const fields = { K8S_NAMESPACE_NAME: "metadata.namespace", K8S_POD_NAME: "metadata.name" };
        for (const [name, fieldPath] of Object.entries(fields)) {
            assert.equal(env()[index(name)].valueFrom!.fieldRef.fieldPath, fieldPath);
            assert.ok(index(name) < index("OTEL_RESOURCE_ATTRIBUTES"), `${name} precedes its use`);
        }
    });

    it("annotates the pod for Prometheus scraping on the container's metrics port", () => {
        const a = pod().metadata.annotations;
        assert.equal(a["prometheus.io/scrape"], "true");
        assert.equal(a["prometheus.io/path"], "/metrics");
        assert.deepEqual(container().ports, [{ name: "http", containerPort: Number(a["prometheus.io/port"]) }]);
    });

    it("sets CPU and memory requests and limits", () => {
        const r = container().resources;
        for (const kind of ["requests", "limits"]) {
            for (const resource of ["cpu", "memory"]) assert.ok(r[kind][resource], `${kind}.${resource}`);
        }
    });

    it("deploys into its own namespace and lets only that namespace and the monitoring namespaces in", () => {
        const ns = one("kubernetes:core/v1:Namespace").inputs.metadata.name;
        assert.equal(ns, devConfig[`${project}:namespace`]);
        assert.notEqual(ns, monitoring.namespace);
        for (const type of ["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service", "kubernetes:networking.k8s.io/v1:NetworkPolicy"]) {
            assert.equal(one(type).inputs.metadata.namespace, ns, type);
        }
        const [rule] = one("kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs.spec.ingress;
        assert.deepEqual(rule.from, [
            { podSelector: {} },
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": monitoring.namespace } } },
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": monitoring.nodeNamespace } } },
        ]);
    });

    it("refuses to run without the monitoring stack's name", async () => {
        const config = { ...devConfig };
        delete config[`${project}:monitoringStack`];
        await assert.rejects(runExample(config, monitoring), /monitoringStack/);
    });

    it("declares every configured key in Pulumi.yaml and pins the root's Pulumi packages", () => {
        const declared = Object.keys(readYaml("Pulumi.yaml").config).map(k => `${project}:${k}`).sort();
        assert.deepEqual(Object.keys(devConfig).sort(), declared);
        const pins = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")).dependencies;
        const example = pins(path.join(exampleDir, "package.json"));
        const rootPins = pins(path.join(root, "package.json"));
        for (const pkg of ["@pulumi/pulumi", "@pulumi/kubernetes"]) assert.equal(example[pkg], rootPins[pkg], pkg);
    });
});
