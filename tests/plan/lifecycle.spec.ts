// Day 2 on the plan: every transition from what a stack file deploys to a new configuration, through the same
// pure steps the program takes (settings, plan, guard against the deployed shape), without the Pulumi runtime.
// tests/components/lifecycle.spec.ts proves the program wires them: the shape read back, the refusal thrown.
import { strict as assert } from "assert";
import { defaultVersions } from "../../charts/table";
import { parseSettings, RawConfig } from "../../config/settings";
import { DeployedShape, guard, plan, refusal, StackPlan } from "../../plan";
import { withSetting } from "../harness";

/** What the stack file deploys records this shape (the program's `deployedShape` output). */
const deployedShape = (stack: string): DeployedShape => plan(parseSettings(withSetting(stack, {}) as RawConfig, defaultVersions)).shape;

/** The transition from the stack file's deployment to `changes`: the refusal message, or the applied plan. */
const transition = (stack: string, changes: Record<string, unknown>) => transitionFrom(deployedShape(stack), stack, changes);

/** The transition from `deployed` (undefined: a first install) to the stack file with `changes`. */
function transitionFrom(deployed: unknown, stack: string, changes: Record<string, unknown>): { refused?: string; plan?: StackPlan } {
    try {
        const settings = parseSettings(withSetting(stack, changes) as RawConfig, defaultVersions);
        const next = plan(settings);
        const refused = guard(deployed, next.shape, settings.lifecycle.acknowledge);
        return refused.length > 0 ? { refused: refusal(refused) } : { plan: next };
    } catch (e) {
        return { refused: (e as Error).message };
    }
}

interface Guarded { key: string; stack: string; changes: Record<string, unknown>; from: string; to: string; section: string }

// Every guarded key, from what the stack file deploys to a change Kubernetes or Helm cannot apply in place.
const guarded: Guarded[] = [
    { key: "loki.persistenceSize", stack: "prod", changes: { "loki.persistenceSize": "40Gi" }, from: '"20Gi"', to: '"40Gi"', section: "Day 2 › Volume size or storage class" },
    { key: "tempo.persistenceSize", stack: "prod", changes: { "tempo.persistenceSize": "40Gi" }, from: '"20Gi"', to: '"40Gi"', section: "Day 2 › Volume size or storage class" },
    { key: "prometheus.storageSize", stack: "prod", changes: { "prometheus.storageSize": "100Gi" }, from: '"50Gi"', to: '"100Gi"', section: "Day 2 › Volume size or storage class" },
    { key: "prometheus.alertmanager.storageSize", stack: "prod", changes: { "prometheus.alertmanager.storageSize": "4Gi" }, from: '"2Gi"', to: '"4Gi"', section: "Day 2 › Volume size or storage class" },
    { key: "cluster.storageClass", stack: "prod", changes: { "cluster.storageClass": "longhorn-ssd" }, from: '"longhorn"', to: '"longhorn-ssd"', section: "Day 2 › Volume size or storage class" },
    { key: "cluster.storageClass", stack: "dev", changes: { "cluster.storageClass": undefined }, from: '"local-path"', to: "unset (the cluster's default class)", section: "Day 2 › Volume size or storage class" },
    { key: "loki.persistenceSize", stack: "dev", changes: { "loki.persistenceSize": "20Gi" }, from: '"10Gi"', to: '"20Gi"', section: "Day 2 › Volume size or storage class" },
    { key: "loki.mode", stack: "prod", changes: { "loki.mode": "SingleBinary", "loki.replicas": undefined }, from: '"SimpleScalable"', to: '"SingleBinary"', section: "Day 2 › Loki or Tempo mode" },
    { key: "loki.mode", stack: "dev", changes: { objectStorage: { endpoint: "minio.storage.svc:9000", buckets: { lokiChunks: "loki-chunks", lokiRuler: "loki-ruler", tempo: "tempo-traces" } }, "loki.mode": "SimpleScalable" }, from: '"SingleBinary"', to: '"SimpleScalable"', section: "Day 2 › Loki or Tempo mode" },
    { key: "tempo.mode", stack: "prod", changes: { "tempo.mode": "monolithic", "tempo.replicas": undefined }, from: '"distributed"', to: '"monolithic"', section: "Day 2 › Loki or Tempo mode" },
    { key: "grafana.persistenceSize", stack: "dev", changes: { "grafana.persistenceSize": "8Gi" }, from: '"5Gi"', to: '"8Gi"', section: "Day 2 › Volume size or storage class" },
    { key: "namespace", stack: "prod", changes: { namespace: "observability", nodeNamespace: "monitoring-stack-node" }, from: '"monitoring-stack"', to: '"observability"', section: "Day 2 › Namespace" },
    { key: "nodeNamespace", stack: "prod", changes: { nodeNamespace: "monitoring-agents" }, from: '"monitoring-stack-node"', to: '"monitoring-agents"', section: "Day 2 › Namespace" },
    { key: "prometheus.mode", stack: "dev", changes: { prometheus: { mode: "external", url: "http://prometheus.obs.svc:9090" } }, from: '"managed"', to: '"external"', section: "Day 2 › Prometheus managed to external" },
];

describe("day 2 on the plan: guarded changes", () => {
    it("applies an unchanged stack file", () => {
        for (const stack of ["dev", "prod"]) assert.equal(transition(stack, {}).refused, undefined, stack);
    });

    const safe: [string, string, Record<string, unknown>][] = [
        ["a chart version bump", "prod", { "charts.loki": "18.12.0", "charts.grafana": "12.12.0" }],
        ["a retention change", "prod", { "loki.retention": "360h", "tempo.retention": "360h", "prometheus.retention": "15d" }],
        ["a replicas change", "prod", { "loki.replicas.read": 3, "tempo.replicas.querier": 3, "prometheus.replicas": 2 }],
        ["a resources change", "prod", { "loki.resources.limits.memory": "4Gi", "grafana.resources.requests.cpu": "300m" }],
        ["a retention, resources and chart change on dev", "dev", { "loki.retention": "72h", "alloy.resources.limits.memory": "1Gi", "charts.alloy": "1.12.0" }],
        ["turning Alertmanager off (its volume stays; nothing to resize)", "dev", { "prometheus.alertmanager.enabled": false }],
    ];
    for (const [what, stack, changes] of safe) {
        it(`never blocks ${what} (${stack})`, () => {
            const { refused, plan: next } = transition(stack, changes);
            assert.equal(refused, undefined, refused);
            assert.ok(next!.releases.length >= 5);
        });
    }

    it("applies a managed Prometheus after an external one (an install, nothing to lose)", () => {
        const external = transitionFrom(undefined, "dev", { prometheus: { mode: "external", url: "http://prometheus.obs.svc:9090" } }).plan!.shape;
        const { refused, plan: next } = transitionFrom(external, "dev", {});
        assert.equal(refused, undefined, refused);
        assert.ok(next!.releases.some(r => r.name === "kube-prometheus-stack"));
    });

    for (const g of guarded) {
        it(`refuses ${g.key} (${g.stack}: ${g.from} -> ${g.to}) by name, then applies it once acknowledged`, () => {
            const { refused } = transition(g.stack, g.changes);
            assert.ok(refused, "refused");
            assert.match(refused!, /^refused against the stack's last deployment, before anything changes:/);
            const line = refused!.split("\n").find(l => l.includes(`- ${g.key} is deployed as`));
            assert.ok(line, refused);
            assert.ok(line!.includes(`${g.key} is deployed as ${g.from} and would become ${g.to}: `), line);
            assert.ok(line!.includes(`Follow the README section "${g.section}", then add "${g.key}" to lifecycle.acknowledge`), line);
            const acknowledged = transition(g.stack, { ...g.changes, "lifecycle.acknowledge": [g.key] });
            assert.equal(acknowledged.refused, undefined, acknowledged.refused);
            const keys = acknowledged.plan!.shape.keys as Record<string, string | null>;
            assert.equal(JSON.stringify(keys[g.key] ?? null), g.to.startsWith('"') ? g.to : "null", "the next deployment compares against the new value");
        });
    }

    it("names every refused key at once", () => {
        const { refused } = transition("prod", { "loki.persistenceSize": "40Gi", "tempo.persistenceSize": "40Gi", "cluster.storageClass": "fast" });
        for (const key of ["loki.persistenceSize", "tempo.persistenceSize", "cluster.storageClass"]) assert.ok(refused!.includes(`- ${key} is deployed as`), key);
        const partly = transition("prod", { "loki.persistenceSize": "40Gi", "tempo.persistenceSize": "40Gi", "lifecycle.acknowledge": ["loki.persistenceSize"] });
        assert.ok(!partly.refused!.includes("- loki.persistenceSize"));
        assert.ok(partly.refused!.includes("- tempo.persistenceSize"));
    });

    it("never blocks a first install, whatever the sizes, class, modes or namespace", () => {
        const { refused, plan: next } = transitionFrom(undefined, "prod", {
            "loki.persistenceSize": "100Gi", "tempo.persistenceSize": "100Gi", "prometheus.storageSize": "500Gi", "cluster.storageClass": "fast", namespace: "observability",
            "loki.mode": "SingleBinary", "loki.replicas": undefined, "tempo.mode": "monolithic", "tempo.replicas": undefined,
        });
        assert.equal(refused, undefined, refused);
        assert.ok(next!.releases.some(r => r.name === "loki"));
    });

    it("refuses an acknowledgement of a key that is not guarded, with a did-you-mean", () => {
        const { refused } = transition("prod", { "lifecycle.acknowledge": ["loki.persistenceSise"] });
        assert.match(refused!, /lifecycle\.acknowledge may only list .*, got "loki\.persistenceSise" \(did you mean "loki\.persistenceSize"\?\)/);
    });

    it("refuses a deployed shape it cannot read rather than guessing", () => {
        for (const deployed of [{ version: 99, keys: {} }, "monitoring-stack", { keys: {} }]) {
            assert.match(transitionFrom(deployed, "dev", {}).refused!, /deployedShape .* which this program cannot compare against/, JSON.stringify(deployed));
        }
    });
});
