// Day 2: the real program under mocks, driven through transitions from a deployed configuration to a new one.
import { strict as assert } from "assert";
import * as path from "path";
import { settingsFromStackFile, stackFileConfig } from "../../config/stack-file";
import { guard, plan, refusal } from "../../plan";
import { plaintextContains, root, Run, runStack, secretContains, testSecrets, withSetting } from "../harness";

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

// ---- guarded changes: the program's side (the transition table itself is tests/plan/lifecycle.spec.ts) -----

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

describe("day 2: guarded changes", function () {
    this.timeout(120000);

    it("reads the deployed shape from the stack's own last deployment (a StackReference to itself), as the plan records it", async () => {
        for (const stack of ["dev", "prod"]) {
            const { run } = await transition(stack, {});
            assert.deepEqual(run!.stackReferences, [`organization/monitoring-stack/${stack}`]);
            assert.deepEqual(await deployedShape(stack), plan(settingsFromStackFile(path.join(root, `Pulumi.${stack}.yaml`))).shape);
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

    it("stops a refused change at preview with the plan's refusal, then applies it once acknowledged", async () => {
        const changes = { "loki.persistenceSize": "40Gi", "tempo.persistenceSize": "40Gi" };
        const { refused } = await transition("prod", changes, true);
        const settings = settingsFromStackFile(path.join(root, "Pulumi.prod.yaml"), withSetting("prod", changes));
        assert.equal(refused, refusal(guard(await deployedShape("prod"), plan(settings).shape, [])));
        assert.equal(refused!.split("\n").length, 3, refused);
        const acknowledged = await transition("prod", { ...changes, "lifecycle.acknowledge": ["loki.persistenceSize", "tempo.persistenceSize"] });
        assert.equal(acknowledged.refused, undefined, acknowledged.refused);
        const shape = (await acknowledged.run!.resolve("deployedShape")).value as { keys: Record<string, string | null> };
        assert.deepEqual([shape.keys["loki.persistenceSize"], shape.keys["tempo.persistenceSize"]], ["40Gi", "40Gi"], "the next deployment compares against the new values");
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
