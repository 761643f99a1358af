// The README is part of the product: its reference tables are held to the code.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { alertRules, stackHealthInput } from "../plan/telemetry/alert-rules";
import { defaultVersions } from "../charts/table";
import { alertingSecretsKey, secretKeys, ssoSecretKey } from "../config";
import { allSecretKeys, guardedKeys, parseSettings } from "../config/settings";
import { runbooks } from "../plan/lifecycle";
import { render } from "../scripts/render";
import { root, runStack } from "./harness";
import { allSettings, fullConfig } from "./config/settings-catalog";

const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

function section(title: string): string {
    const start = readme.indexOf(`\n## ${title}\n`);
    assert.ok(start >= 0, `README has no "## ${title}" section`);
    const end = readme.indexOf("\n## ", start + 1);
    return readme.slice(start, end < 0 ? undefined : end);
}

/** The backticked keys in the first cell of every table row of a section. */
function documentedKeys(title: string): Set<string> {
    const keys = section(title).split("\n")
        .filter(l => l.startsWith("| `"))
        .flatMap(l => [...l.split("|")[1].matchAll(/`([^`]+)`/g)].map(m => m[1]));
    return new Set(keys);
}

describe("README", function () {
    this.timeout(60000);

    it("documents every setting the program reads, and no other", () => {
        const documented = documentedKeys("Configuration reference");
        const settings = allSettings();
        const real = new Set([...settings.keys(), ...Object.values(secretKeys), ssoSecretKey, alertingSecretsKey]);
        // Inside a map the user names the entries (alerting.receivers.<name>): what follows the name is in the
        // "Alert routing" section's receiver table.
        const receiverFields = documentedKeys("Alert routing");
        const inMap = (key: string) => [...documented].some(d => settings.get(d) === "map" && key.startsWith(`${d}.`) &&
            (key.slice(d.length + 1).split(".").length === 1 || receiverFields.has(key.slice(d.length + 1).split(".").slice(1).join("."))));
        const covered = (key: string) => documented.has(key) || inMap(key) ||
            [...documented].some(d => settings.get(d) === "object" && key.startsWith(`${d}.`) && d.split(".").length > 1);
        const missing = [...real].filter(k => !covered(k));
        assert.deepEqual(missing, [], "settings missing from the configuration reference");
        assert.deepEqual([...documented].filter(d => !real.has(d)), [], "documented keys that are not settings");
    });

    it("lists every stack output, and no other", async () => {
        const run = await runStack("dev");
        const documented = documentedKeys("Outputs");
        assert.deepEqual([...documented].sort(), Object.keys(run.outputs).sort());
    });

    it("states the footprint that the render prints", async () => {
        for (const stack of ["dev", "prod"]) {
            const summary = await render(stack, fs.mkdtempSync(path.join(os.tmpdir(), "readme-")));
            const [, reqCpu, reqMem, limCpu, limMem, storage] = /^total\s+(\S+)\/(\S+)\s+(\S+)\/(\S+)\s+(\S+)/m.exec(summary)!;
            const row = section("Footprint").split("\n").find(l => l.startsWith(`| ${stack} `));
            assert.ok(row, `no footprint row for ${stack}`);
            assert.deepEqual(row!.split("|").slice(2, 7).map(c => c.trim()), [reqCpu, reqMem, limCpu, limMem, storage]);
        }
    });

    it("has a runbook section for every alert of both stacks", () => {
        for (const stack of ["dev", "prod"]) {
            const raw = stack === "prod" ? fullConfig() : {};
            const rules = alertRules(stackHealthInput(parseSettings(raw, defaultVersions))).groups.flatMap(g => g.rules);
            for (const r of rules) assert.match(readme, new RegExp(`^### ${r.alert}$`, "m"), `no section for ${r.alert}`);
        }
    });

    it("says for every setting what changing it after install does: in place, rolls pods, or refused", () => {
        const rows = section("Day 2").split("\n").filter(l => l.startsWith("| `"));
        const effect = new Map<string, string>();
        for (const row of rows) {
            const cells = row.split("|").map(c => c.trim());
            for (const m of cells[1].matchAll(/`([^`]+)`/g)) effect.set(m[1], cells[2]);
        }
        const all = allSettings();
        // A row for a block (`loki.resources`) covers the settings inside it.
        const block = (d: string) => all.get(d) === "object" || all.get(d) === "map";
        const rowOf = (k: string) => [...effect.keys()].find(d => d === k || (block(d) && k.startsWith(`${d}.`)));
        const real = [...[...all].filter(([, kind]) => kind !== "object" && kind !== "map").map(([k]) => k), ...allSecretKeys];
        assert.deepEqual(real.filter(k => !rowOf(k)), [], "settings missing from the Day 2 table");
        assert.deepEqual([...effect.keys()].filter(k => !real.includes(k) && !block(k)), [], "Day 2 rows that are not settings");
        for (const [key, what] of effect) assert.match(what, /^(in place|rolls pods|refused)/, key);
        for (const key of guardedKeys) assert.match(effect.get(key)!, /^refused/, `${key} is guarded`);
        for (const [key, what] of effect) if (what.startsWith("refused")) assert.ok((guardedKeys as readonly string[]).includes(key), `${key} is refused but not guarded`);
    });

    it("has every runbook the guard names, under Day 2", () => {
        for (const title of Object.values(runbooks)) {
            assert.ok(title.startsWith("Day 2 › "), title);
            assert.ok(section("Day 2").includes(`\n### ${title.slice("Day 2 › ".length)}\n`), `no section for ${title}`);
        }
        for (const heading of ["Settings after install", "Rotating credentials", "Moving the CRDs into their own release", "Teardown"]) {
            assert.ok(section("Day 2").includes(`\n### ${heading}\n`), heading);
        }
    });

    it("shows the two commands and the sections a new user needs", () => {
        assert.match(readme, /npm ci && npm test/);
        assert.match(readme, /pulumi up -s dev/);
        assert.match(readme, /```mermaid/);
        for (const title of ["Prerequisites", "Quick start", "Configuration reference", "Outputs", "Operations", "Policy pack", "Stack alerts"]) section(title);
        for (const heading of ["### Upgrading", "### Troubleshooting"]) assert.ok(readme.includes(`\n${heading}\n`), heading);
        for (const problem of ["another operation is in progress", "no org id", "ServiceMonitors not picked up", "Pods Pending for storage"]) {
            assert.ok(section("Operations").includes(problem), problem);
        }
    });
});
