// Existing stacks keep their resources: a changed URN would make Pulumi delete the old resource and create a
// new one (for a Helm release: uninstall and install again).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { engineUrn, runStack } from "../harness";

describe("URNs of deployed resources", () => {
    it("keeps the URN of every resource an existing stack holds (new resources may be added)", async () => {
        const golden = fs.readFileSync(path.join(__dirname, "urns.golden.txt"), "utf8").split("\n").filter(l => l && !l.startsWith("#"));
        const now = new Set<string>();
        for (const stack of ["dev", "prod"]) {
            const run = await runStack(stack);
            for (const r of run.resources) now.add(engineUrn(run, r));
        }
        assert.deepEqual(golden.filter(urn => !now.has(urn)), []);
    });
});
