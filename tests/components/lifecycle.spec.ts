// Day 2: the real program under mocks, driven through transitions from a deployed configuration to a new one.
import { strict as assert } from "assert";
import { Values } from "../../charts/values";
import { stackFileConfig } from "../../config/stack-file";
import { plaintextContains, Run, runStack, secretContains, testSecrets } from "../harness";

const SECRET = "kubernetes:core/v1:Secret";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const rotated = { ...testSecrets, objectStorageAccessKeyId: "ROTATEDACCESSKEY0002", objectStorageSecretAccessKey: "rotated-secret-access-key-fedcba9876543210" };

const podChecksums = (run: Run) => ({
    loki: run.release("loki").inputs.values.defaults.podAnnotations["checksum/object-storage"],
    tempo: run.release("tempo").inputs.values.defaults.podAnnotations["checksum/object-storage"],
    smokeTest: run.byType("kubernetes:batch/v1:Job")[0].inputs.spec.template.metadata.annotations["checksum/object-storage"],
});

describe("day 2: rotation takes effect", function () {
    this.timeout(60000);

    it("rolls Loki's and Tempo's pods (and reruns the smoke test) when the object-storage credentials change, with no credential in values", async () => {
        const before = await runStack("prod");
        const after = await runStack("prod", {}, rotated);
        const [a, b] = [podChecksums(before), podChecksums(after)];
        for (const [what, hash] of Object.entries(a)) {
            assert.match(hash, /^[0-9a-f]{16}$/, what);
            assert.notEqual(b[what as keyof typeof b], hash, `${what} rolls`);
        }
        assert.equal(a.loki, a.tempo);
        for (const [run, secrets] of [[before, testSecrets], [after, rotated]] as const) {
            for (const value of Object.values(secrets)) {
                for (const r of run.resources) assert.ok(!plaintextContains(r.wire, value), `${r.name} leaks a credential`);
                assert.ok(!JSON.stringify(run.release("loki").inputs.values).includes(value));
                assert.ok(!JSON.stringify(run.release("tempo").inputs.values).includes(value));
            }
            // The annotation is a keyed hash: plain (readable previews), the key itself secret in state.
            const wire = run.release("loki").wire.values;
            assert.ok(plaintextContains(wire, podChecksums(run).loki), "the checksum is not a secret");
        }
        // The Secret itself is updated in place (kubernetes:enableSecretMutable) and stays protected.
        const secret = after.byType(SECRET).find(r => r.inputs.metadata.name === "object-storage")!;
        assert.ok(secret.protect);
        assert.ok(secretContains(secret.wire, rotated.objectStorageSecretAccessKey));
    });

    it("keeps every checksum the same while nothing changes (no rollout on an unchanged stack)", async () => {
        const a = await runStack("prod");
        const b = await runStack("prod", { smokeTest: true });
        assert.deepEqual(podChecksums(a), podChecksums(b));
    });

    it("rotates the Grafana admin password for real: a new password, Grafana restarted, and written into its database at start", async () => {
        const before = await runStack("prod");
        const after = await runStack("prod", { grafana: { ...grafanaOf("prod"), adminPasswordRotation: 1 } });
        const pw = (run: Run) => run.byType(PASSWORD).find(r => r.name === "monitoring-grafana-admin-password")!;
        assert.equal(pw(before).inputs.keepers, undefined, "no keepers at 0: an existing stack keeps its password");
        assert.deepEqual(pw(after).inputs.keepers, { rotation: "1" });
        const [p1, p2] = [(await before.resolve("grafanaAdminPassword")).value, (await after.resolve("grafanaAdminPassword")).value];
        assert.notEqual(p1, p2);
        const annotation = (run: Run) => run.release("grafana").inputs.values.podAnnotations["checksum/admin"];
        assert.match(annotation(before), /^[0-9a-f]{16}$/);
        assert.notEqual(annotation(after), annotation(before), "Grafana restarts");
        const init = after.release("grafana").inputs.values.extraInitContainers[0];
        assert.equal(init.name, "admin-password-sync");
        assert.match(init.command[2], /grafana cli .* admin reset-admin-password --password-from-stdin/);
        assert.deepEqual(init.env, [{ name: "GF_SECURITY_ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: "grafana-admin", key: "admin-password" } } }]);
        for (const r of after.resources) assert.ok(!plaintextContains(r.wire, p2 as string), `${r.name} holds the new password in plaintext`);
    });

    it("changes grafana.adminUser in prod in place: the protected admin Secret is updated, not replaced", async () => {
        const after = await runStack("prod", { grafana: { ...grafanaOf("prod"), adminUser: "root" } });
        const secret = after.byType(SECRET).find(r => r.inputs.metadata.name === "grafana-admin")!;
        assert.ok(secretContains(secret.wire, '"admin-user":"root"'), "the Secret holds the new user");
        assert.ok(secret.protect);
        assert.equal((await after.resolve("grafanaAdminUser")).value, "root");
    });
});

/** The stack file's grafana block. */
function grafanaOf(stack: string): Record<string, unknown> {
    return stackFileConfig(`${__dirname}/../../Pulumi.${stack}.yaml`).grafana as Record<string, unknown>;
}

// ---- guarded changes -----------------------------------------------------------------------------------

/** The stack file's settings with `key` (a dotted path) set to `value`; `undefined` removes it. */
function withSetting(stack: string, changes: Record<string, unknown>): Record<string, unknown> {
    const config = structuredClone(stackFileConfig(`${__dirname}/../../Pulumi.${stack}.yaml`)) as Values;
    for (const [key, value] of Object.entries(changes)) {
        const path = key.split(".");
        let node = config;
        for (const k of path.slice(0, -1)) node = node[k] = typeof node[k] === "object" && node[k] !== null ? node[k] : {};
        if (value === undefined) delete node[path[path.length - 1]];
        else node[path[path.length - 1]] = value;
    }
    return config;
}

/** The deployed shape: the `deployedShape` output of a first evaluation of the stack file. */
async function deployedShape(stack: string): Promise<unknown> {
    return (await (await runStack(stack)).resolve("deployedShape")).value;
}

/** Runs the transition from the stack file's deployment to `changes`; the refusal message, or undefined when applied. */
async function transition(stack: string, changes: Record<string, unknown>, preview = false): Promise<{ refused?: string; run?: Run }> {
    const deployed = await deployedShape(stack);
    try {
        return { run: await runStack(stack, withSetting(stack, changes), testSecrets, { deployed, preview }) };
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

describe("day 2: guarded changes", function () {
    this.timeout(120000);

    it("reads the deployed shape from the stack's own last deployment (a StackReference to itself)", async () => {
        for (const stack of ["dev", "prod"]) {
            const { run } = await transition(stack, {});
            assert.deepEqual(run!.stackReferences, [`organization/monitoring-stack/${stack}`]);
        }
    });

    it("applies an unchanged stack: the same inputs for every resource as the first install", async () => {
        for (const stack of ["dev", "prod"]) {
            const first = await runStack(stack);
            const { run, refused } = await transition(stack, {});
            assert.equal(refused, undefined);
            const inputs = (r: Run) => Object.fromEntries(r.resources.map(x => [x.urn, x.inputs]));
            assert.deepEqual(inputs(run!), inputs(first));
        }
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
        it(`never blocks ${what} (${stack})`, async () => {
            const { refused, run } = await transition(stack, changes);
            assert.equal(refused, undefined, refused);
            assert.ok(run!.byType("kubernetes:helm.sh/v3:Release").length >= 5);
        });
    }

    it("applies a managed Prometheus after an external one (an install, nothing to lose)", async () => {
        const externalDeployed = (await (await runStack("dev", { prometheus: { mode: "external", url: "http://prometheus.obs.svc:9090" } })).resolve("deployedShape")).value;
        const run = await runStack("dev", {}, testSecrets, { deployed: externalDeployed });
        assert.ok(run.release("kube-prometheus-stack"));
    });

    for (const g of guarded) {
        it(`refuses ${g.key} (${g.stack}: ${g.from} -> ${g.to}) at preview by name, then applies it once acknowledged`, async () => {
            const { refused } = await transition(g.stack, g.changes, true);
            assert.ok(refused, "refused");
            assert.match(refused!, /^refused against the stack's last deployment, before anything changes:/);
            const line = refused!.split("\n").find(l => l.includes(`- ${g.key} is deployed as`));
            assert.ok(line, refused);
            assert.ok(line!.includes(`${g.key} is deployed as ${g.from} and would become ${g.to}: `), line);
            assert.ok(line!.includes(`Follow the README section "${g.section}", then add "${g.key}" to lifecycle.acknowledge`), line);
            const acknowledged = await transition(g.stack, { ...g.changes, "lifecycle.acknowledge": [g.key] });
            assert.equal(acknowledged.refused, undefined, acknowledged.refused);
            const shape = (await acknowledged.run!.resolve("deployedShape")).value as { keys: Record<string, string | null> };
            assert.equal(JSON.stringify(shape.keys[g.key] ?? null), g.to.startsWith('"') ? g.to : "null", "the next deployment compares against the new value");
        });
    }

    it("names every refused key at once", async () => {
        const { refused } = await transition("prod", { "loki.persistenceSize": "40Gi", "tempo.persistenceSize": "40Gi", "cluster.storageClass": "fast" });
        for (const key of ["loki.persistenceSize", "tempo.persistenceSize", "cluster.storageClass"]) assert.ok(refused!.includes(`- ${key} is deployed as`), key);
        const partly = await transition("prod", { "loki.persistenceSize": "40Gi", "tempo.persistenceSize": "40Gi", "lifecycle.acknowledge": ["loki.persistenceSize"] });
        assert.ok(!partly.refused!.includes("- loki.persistenceSize"));
        assert.ok(partly.refused!.includes("- tempo.persistenceSize"));
    });

    it("never blocks a first install, whatever the sizes, class, modes or namespace", async () => {
        const run = await runStack("prod", withSetting("prod", {
            "loki.persistenceSize": "100Gi", "tempo.persistenceSize": "100Gi", "prometheus.storageSize": "500Gi", "cluster.storageClass": "fast", namespace: "observability",
        }), testSecrets, { preview: true });
        assert.ok(run.release("loki"));
    });

    it("refuses an acknowledgement of a key that is not guarded, with a did-you-mean", async () => {
        const { refused } = await transition("prod", { "lifecycle.acknowledge": ["loki.persistenceSise"] });
        assert.match(refused!, /lifecycle\.acknowledge may only list .*, got "loki\.persistenceSise" \(did you mean "loki\.persistenceSize"\?\)/);
    });

    it("refuses an unknown top-level key against a deployed stack too", async () => {
        const { refused } = await transition("dev", { lokki: { retention: "1h" } });
        assert.match(refused!, /lokki is not a known setting \(did you mean "loki"\?\)/);
    });

    it("refuses a deployed shape it cannot read rather than guessing", async () => {
        const message = await runStack("dev", {}, testSecrets, { deployed: { version: 99, keys: {} } }).then(() => "", e => (e as Error).message);
        assert.match(message, /cannot compare against/);
    });
});
