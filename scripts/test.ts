// npm test: the type check and the mocha suite side by side (two cores), then how long each took and the
// count of tests as one plain line. Exits non-zero when either fails.
import { spawn } from "child_process";
import * as path from "path";

interface Result { name: string; code: number; seconds: number; output: string }

/** Runs a local tool; `live` streams its output as it comes, otherwise it is held back until the end. */
function run(name: string, tool: string, args: string[], live: boolean): Promise<Result> {
    const start = process.hrtime.bigint();
    return new Promise(resolve => {
        const child = spawn(path.join(__dirname, "..", "node_modules", ".bin", tool), args, { stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        const take = (stream: NodeJS.WriteStream) => (d: Buffer) => {
            output += d;
            if (live) stream.write(d);
        };
        child.stdout.on("data", take(process.stdout));
        child.stderr.on("data", take(process.stderr));
        child.on("close", code => resolve({ name, code: code ?? 1, seconds: Number(process.hrtime.bigint() - start) / 1e9, output }));
    });
}

const count = (output: string, word: string) => Number(new RegExp(`^\\s*(\\d+) ${word}`, "m").exec(output)?.[1] ?? 0);

(async () => {
    const start = process.hrtime.bigint();
    const [tsc, mocha] = await Promise.all([
        // Incremental: a second run re-checks only what changed (the build info stays under node_modules/.cache).
        run("tsc --noEmit", "tsc", ["--noEmit", "--incremental", "--tsBuildInfoFile", "node_modules/.cache/tsc/tsbuildinfo"], false),
        run("mocha", "mocha", ["tests/**/*.spec.ts", ...process.argv.slice(2)], true),
    ]);
    if (tsc.output) process.stdout.write(`\ntsc --noEmit:\n${tsc.output}`);
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    const status = (r: Result) => `${r.name} ${r.code === 0 ? "passed" : "FAILED"} in ${r.seconds.toFixed(1)} s`;
    console.log(`\n${status(tsc)}; ${status(mocha)}; npm test took ${wall.toFixed(1)} s wall`);
    const failed = count(mocha.output, "failing") + (tsc.code === 0 ? 0 : 1);
    console.log(`tests: ${count(mocha.output, "passing")} passed, ${failed} failed, ${count(mocha.output, "pending")} skipped`);
    process.exit(tsc.code === 0 && mocha.code === 0 ? 0 : 1);
})();
