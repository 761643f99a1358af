// An unchanged stack evaluates to exactly the same inputs for every resource, run after run: `pulumi preview
// --expect-no-changes` can pass, and the smoke test reruns only when something it proves changed.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { engineUrn, root, Run, runStack, testSecrets } from "../harness";

const DAY = 86_400_000;

/** Evaluates the stack again with the clock a day later. */
async function later(stack: string): Promise<Run> {
    const RealDate = Date;
    class Later extends RealDate {
        constructor(...args: unknown[]) {
            if (args.length === 0) super(RealDate.now() + DAY);
            else super(...(args as [string]));
        }
        static now() {
            return RealDate.now() + DAY;
        }
    }
    (global as { Date: DateConstructor }).Date = Later as DateConstructor;
    try {
        return await runStack(stack, {}, testSecrets, { fresh: true });
    } finally {
        (global as { Date: DateConstructor }).Date = RealDate;
    }
}

const inputsByUrn = (run: Run) => Object.fromEntries(run.resources.map(r => [r.urn, r.inputs]));
const runKey = (run: Run) => run.byType("kubernetes:batch/v1:Job")[0].inputs.spec.template.metadata.annotations["monitoring-stack/run"];

describe("clean previews", function () {
    this.timeout(60000);

    for (const stack of ["dev", "prod"]) {
        it(`evaluates ${stack} twice, a day apart, to identical inputs for every resource`, async () => {
            const first = await runStack(stack);
            const second = await later(stack);
            assert.deepEqual(Object.keys(inputsByUrn(second)).sort(), Object.keys(inputsByUrn(first)).sort());
            assert.deepEqual(inputsByUrn(second), inputsByUrn(first));
            assert.deepEqual((await second.resolve("deployedShape")).value, (await first.resolve("deployedShape")).value);
        });
    }

    it("reruns the smoke test when what it proves changes (chart version, release values, wiring), and not otherwise", async () => {
        const base = runKey(await runStack("dev"));
        assert.equal(runKey(await later("dev")), base);
        for (const overrides of [
            { charts: { loki: "18.12.0" } },
            { loki: { mode: "SingleBinary", retention: "72h", persistenceSize: "10Gi" } },
            { cluster: { domain: "k8s.example", storageClass: "local-path", nodes: 1 } },
        ]) {
            assert.notEqual(runKey(await runStack("dev", overrides)), base, JSON.stringify(overrides));
        }
    });

    it("documents `pulumi up --replace` with the smoke-test Job's real URN to force a run", async () => {
        const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
        for (const stack of ["dev", "prod"]) {
            const run = await runStack(stack);
            const documented = engineUrn(run, run.byType("kubernetes:batch/v1:Job")[0]).replace(`urn:pulumi:${stack}::`, "urn:pulumi:<stack>::");
            assert.ok(readme.includes(`pulumi up -s <stack> --replace '${documented}'`), `README lacks the --replace command for ${documented}`);
        }
    });
});
