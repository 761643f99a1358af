// npm test: the type check and the mocha suite side by side (two cores), then how long each took and the
// count of tests as one plain line. Exits non-zero when either fails. The type check is TypeScript 7's native
// compiler (devDependency `typescript-native`): the same project and options as the TypeScript 5.9 that the
// Pulumi CLI's ts-node uses (`npm run typecheck`, run by CI), in a fifth of the time.
import { spawn } from "child_process";
import * as path from "path";

interface Result { name: string; code: number; seconds: number; output: string }

/** Runs a script of an installed package with this Node; `live` streams its output as it comes, otherwise it is held back until the end. */
function run(name: string, script: string, args: string[], live: boolean): Promise<Result> {
    const start = process.hrtime.bigint();
    return new Promise(resolve => {
        const child = spawn(process.execPath, [path.join(__dirname, "..", "node_modules", script), ...args], { stdio: ["ignore", "pipe", "pipe"] });
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
        run("tsc --noEmit", "typescript-native/bin/tsc", ["--noEmit"], false),
        run("mocha", "mocha/bin/mocha.js", ["tests/**/*.spec.ts", ...process.argv.slice(2)], true),
    ]);
    if (tsc.output) process.stdout.write(`\ntsc --noEmit:\n${tsc.output}`);
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    const status = (r: Result) => `${r.name} ${r.code === 0 ? "passed" : "FAILED"} in ${r.seconds.toFixed(1)} s`;
    console.log(`\n${status(tsc)}; ${status(mocha)}; npm test took ${wall.toFixed(1)} s wall`);
    const failed = count(mocha.output, "failing") + (tsc.code === 0 ? 0 : 1);
    console.log(`tests: ${count(mocha.output, "passing")} passed, ${failed} failed, ${count(mocha.output, "pending")} skipped`);
    process.exit(tsc.code === 0 && mocha.code === 0 ? 0 : 1);
})();
