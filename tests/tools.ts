// Tests that need a command-line tool the machine may lack (promtool now, amtool once alerting lands).
//
// API
//   describeWithTool(tool, title, body)  a `describe` whose every test needs `tool`
//   itWithTool(tool, title, fn)          one `it` that needs `tool`
// Both look for `tool` on PATH once, when the spec file is loaded, and then:
//   - tool found:                  register the suite/test unchanged; it runs and may fail as usual.
//   - tool missing, CI not set:    register it as pending (mocha's `describe.skip` / `it.skip`) under a title
//                                  extended by ONE line naming the tool and how to get it; the body of a
//                                  suite is still evaluated, so every test it holds is listed as pending.
//                                  Tests outside these wrappers run as usual.
//   - tool missing, CI set:        register it so that it fails with a message naming the tool: a suite gets
//                                  a `before` hook that throws (its own hooks and tests then do not run),
//                                  a test throws.
// "CI set" means the variable CI is non-empty and not "false" or "0" (GitHub Actions and .ci/run set CI=true).
// Put only the tests that need the tool inside a wrapper; what can be checked without it stays outside.
// The pure parts (toolDecision, findOnPath, isCI) take the environment as an argument for tests/tools.spec.ts.
import * as fs from "fs";
import * as path from "path";

/** The tools tests may need, with how to install them. Adding a tool is one entry here. */
export const TOOLS = {
    promtool: { debian: "prometheus", brew: "prometheus" },
    amtool: { debian: "prometheus-alertmanager", brew: "alertmanager" },
    // The smoke-test script's HTTP client, run against local fake backends.
    curl: { debian: "curl", brew: "curl" },
} as const;
export type Tool = keyof typeof TOOLS;

export type ToolDecision =
    | { mode: "run"; path: string }
    | { mode: "pending"; message: string }
    | { mode: "fail"; message: string };

type Env = Record<string, string | undefined>;

/** How to get `tool`, in one line. */
export function installHint(tool: Tool): string {
    const { debian, brew } = TOOLS[tool];
    return `install it with \`apt-get install ${debian}\` (Debian/Ubuntu) or \`brew install ${brew}\` (macOS)`;
}

/** Is CI set? Any non-empty value but "false" and "0". */
export function isCI(env: Env = process.env): boolean {
    const v = (env.CI ?? "").trim().toLowerCase();
    return v !== "" && v !== "false" && v !== "0";
}

/** The first executable file named `tool` in env.PATH, as spawn would find it; undefined when there is none. */
export function findOnPath(tool: string, env: Env = process.env): string | undefined {
    const exts = process.platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
    for (const dir of (env.PATH ?? "").split(path.delimiter)) {
        if (!dir) continue;
        for (const ext of exts) {
            const candidate = path.join(dir, tool + ext);
            try {
                if (fs.statSync(candidate).isFile()) {
                    fs.accessSync(candidate, fs.constants.X_OK);
                    return candidate;
                }
            } catch {
                // not here
            }
        }
    }
    return undefined;
}

/** What the wrappers do about `tool` in `env`: run, pending with a hint, or fail. */
export function toolDecision(tool: Tool, env: Env = process.env): ToolDecision {
    const found = findOnPath(tool, env);
    if (found) return { mode: "run", path: found };
    if (isCI(env)) {
        return { mode: "fail", message: `${tool} is not on PATH and CI is set, so the tests that need it fail; ${installHint(tool)}` };
    }
    return { mode: "pending", message: `pending: ${tool} is not on PATH; ${installHint(tool)}` };
}

/** A `describe` whose tests all need `tool`; see the top of this file. */
export function describeWithTool(tool: Tool, title: string, body: (this: Mocha.Suite) => void): Mocha.Suite {
    const d = toolDecision(tool);
    if (d.mode === "run") return describe(title, body);
    if (d.mode === "pending") return describe.skip(`${title} [${d.message}]`, body) as Mocha.Suite;
    return describe(title, function (this: Mocha.Suite) {
        before(() => {
            throw new Error(d.message);
        });
        body.call(this);
    });
}

/** An `it` that needs `tool`; see the top of this file. */
export function itWithTool(tool: Tool, title: string, fn: Mocha.Func): Mocha.Test {
    const d = toolDecision(tool);
    if (d.mode === "run") return it(title, fn);
    if (d.mode === "pending") return it.skip(`${title} [${d.message}]`, fn);
    return it(title, () => {
        throw new Error(d.message);
    });
}
