// Holds tests/tools.ts to its contract: a test that needs a tool runs where the tool is on PATH, is pending
// with one line naming the tool and its install commands where it is not, and fails when CI is set.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { root } from "./harness";
import { findOnPath, installHint, isCI, toolDecision, TOOLS } from "./tools";

interface MochaRun {
    code: number | null;
    output: string;
}

/** Runs mocha (with the repository's .mocharc.json) on tests/fixtures/tool-gated.ts with exactly this PATH and CI. */
function runFixture(pathDirs: string[], ci: string | undefined): Promise<MochaRun> {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: pathDirs.join(path.delimiter) };
    delete env.CI;
    if (ci !== undefined) env.CI = ci;
    // In process (--no-parallel): one file needs no worker.
    const args = [require.resolve("mocha/bin/mocha.js"), "--no-parallel", "--no-color", "--reporter", "spec", path.join(__dirname, "fixtures", "tool-gated.ts")];
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd: root, env });
        let output = "";
        child.stdout.on("data", d => (output += d));
        child.stderr.on("data", d => (output += d));
        child.on("error", reject);
        child.on("close", code => resolve({ code, output }));
    });
}

const count = (output: string, what: "passing" | "pending" | "failing") => Number(new RegExp(`(\\d+) ${what}`).exec(output)?.[1] ?? 0);

describe("tests that need a tool (tests/tools.ts)", function () {
    this.timeout(60000);
    let dir: string;
    let withTools: string;
    let withoutTools: string;
    let notExecutable: string;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "tools-spec-"));
        withTools = path.join(dir, "with");
        withoutTools = path.join(dir, "without");
        notExecutable = path.join(dir, "not-executable");
        for (const d of [withTools, withoutTools, notExecutable]) fs.mkdirSync(d);
        for (const tool of Object.keys(TOOLS)) {
            fs.writeFileSync(path.join(withTools, tool), `#!/bin/sh\necho fake ${tool}\n`, { mode: 0o755 });
            fs.writeFileSync(path.join(notExecutable, tool), `#!/bin/sh\necho fake ${tool}\n`, { mode: 0o644 });
        }
        fs.mkdirSync(path.join(withoutTools, "promtool")); // a directory of that name is no tool
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("the decision", () => {
        it("treats CI as set for any non-empty value but false and 0", () => {
            for (const v of ["true", "1", "yes", "TRUE"]) assert.equal(isCI({ CI: v }), true, v);
            for (const v of [undefined, "", "false", "FALSE", "0"]) assert.equal(isCI({ CI: v }), false, String(v));
        });

        it("finds only executable files on PATH, in PATH order", () => {
            assert.equal(findOnPath("promtool", { PATH: [withoutTools, notExecutable, withTools].join(path.delimiter) }), path.join(withTools, "promtool"));
            assert.equal(findOnPath("promtool", { PATH: [withoutTools, notExecutable].join(path.delimiter) }), undefined);
            assert.equal(findOnPath("promtool", { PATH: "" }), undefined);
            assert.equal(findOnPath("promtool", {}), undefined);
        });

        it("runs where the tool is on PATH, whether CI is set or not", () => {
            for (const CI of [undefined, "true"]) {
                assert.deepEqual(toolDecision("amtool", { PATH: withTools, CI }), { mode: "run", path: path.join(withTools, "amtool") });
            }
        });

        it("is pending without the tool, and fails without it when CI is set, naming the tool and how to get it", () => {
            const pending = toolDecision("promtool", { PATH: withoutTools });
            assert.equal(pending.mode, "pending");
            const failing = toolDecision("promtool", { PATH: withoutTools, CI: "true" });
            assert.equal(failing.mode, "fail");
            for (const d of [pending, failing]) {
                const message = (d as { message: string }).message;
                assert.match(message, /^[^\n]*promtool is not on PATH[^\n]*$/);
                assert.ok(message.includes("`apt-get install prometheus`") && message.includes("`brew install prometheus`"), message);
            }
        });

        it("names each tool's own packages", () => {
            assert.match(installHint("promtool"), /`apt-get install prometheus` .* `brew install prometheus`/);
            assert.match(installHint("amtool"), /`apt-get install prometheus-alertmanager` .* `brew install alertmanager`/);
        });
    });

    describe("mocha on a fixture", () => {
        let present: MochaRun;
        let absent: MochaRun;
        let absentCi: MochaRun;

        before(async () => {
            [present, absent, absentCi] = await Promise.all([
                runFixture([withTools], "true"),
                runFixture([withoutTools, notExecutable], undefined),
                runFixture([withoutTools, notExecutable], "true"),
            ]);
        });

        it("runs the tests that need a tool when it is on PATH", () => {
            assert.equal(present.code, 0, present.output);
            assert.deepEqual([count(present.output, "passing"), count(present.output, "pending"), count(present.output, "failing")], [4, 0, 0], present.output);
            assert.doesNotMatch(present.output, /not on PATH/);
        });

        it("reports them as pending without the tool, with one line per suite or test naming the tool and how to get it", () => {
            assert.equal(absent.code, 0, absent.output);
            assert.deepEqual([count(absent.output, "passing"), count(absent.output, "pending"), count(absent.output, "failing")], [1, 3, 0], absent.output);
            const hints = absent.output.split("\n").filter(l => l.includes("not on PATH"));
            assert.equal(hints.length, 2, absent.output);
            // mocha lists a suite's own tests before its child suites
            assert.match(hints[0], /^\s+- a test needing amtool \[pending: amtool is not on PATH; .*`apt-get install prometheus-alertmanager`.*`brew install alertmanager`/);
            assert.match(hints[1], /^\s+a group needing promtool \[pending: promtool is not on PATH; .*`apt-get install prometheus`.*`brew install prometheus`/);
            for (const t of ["calls promtool", "calls promtool again"]) assert.match(absent.output, new RegExp(`^\\s+- ${t}$`, "m"));
        });

        it("fails the run without the tool when CI is set, naming the tool", () => {
            assert.notEqual(absentCi.code, 0, absentCi.output);
            assert.equal(count(absentCi.output, "failing"), 2, absentCi.output);
            assert.equal(count(absentCi.output, "passing"), 1, absentCi.output);
            assert.match(absentCi.output, /Error: promtool is not on PATH and CI is set/);
            assert.match(absentCi.output, /Error: amtool is not on PATH and CI is set/);
            assert.doesNotMatch(absentCi.output, /fake (promtool|amtool)/);
        });
    });
});
