// Running promtool and amtool (Debian packages prometheus and prometheus-alertmanager) from the scripts and tests.
import { spawn, spawnSync } from "child_process";

export interface ToolResult {
    ok: boolean;
    output: string;
}

/** The install command of each tool this project runs. */
export const installCommand = {
    promtool: "apt-get update && apt-get install -y prometheus",
    amtool: "apt-get update && apt-get install -y prometheus-alertmanager",
} as const;

export type ToolName = keyof typeof installCommand;

const missing = (tool: ToolName) => new Error(`${tool} is not installed; install it with \`${installCommand[tool]}\``);

/** Runs a tool to completion; its exit status and everything it printed. */
export function runTool(tool: ToolName, args: string[]): ToolResult {
    const r = spawnSync(tool, args, { encoding: "utf8" });
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") throw missing(tool);
    if (r.error) throw r.error;
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** The same without blocking the process: long runs (promtool's unit tests) can go on beside other work. */
export function runToolAsync(tool: ToolName, args: string[]): Promise<ToolResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(tool, args);
        let output = "";
        child.stdout.on("data", d => (output += d));
        child.stderr.on("data", d => (output += d));
        child.on("error", e => reject((e as NodeJS.ErrnoException).code === "ENOENT" ? missing(tool) : e));
        child.on("close", code => resolve({ ok: code === 0, output }));
    });
}
