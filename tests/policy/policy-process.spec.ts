// The pack started as the Pulumi CLI starts it (run-policy-pack in policy/, TypeScript through ts-node) and called
// over gRPC, in a child process: proves index.ts loads and answers like the in-process run. The CLI's ts-node
// also type-checks; that check is npm test's tsc, which covers policy/ with the pack's compiler options (held
// together below), so the child only transpiles (transpile-only.mjs).
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import type { AnalyzeResponse, AnalyzerInfo } from "@pulumi/pulumi/proto/analyzer_pb";
import { reconcile } from "../../policy/in-process";
import { packEnforcementLevel, policies } from "../../policy/policies";
import { root, runStack } from "../harness";

const packDir = path.join(root, "policy");
// Resolved from policy/ as the CLI does: policy/node_modules after `npm ci` there, else the project's.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loads the pack's own copy of each module, resolved from policy/ at run time
const fromPack = (id: string) => require(require.resolve(id, { paths: [packDir] }));
const grpc = fromPack("@grpc/grpc-js");
const { AnalyzerClient } = fromPack("@pulumi/pulumi/proto/analyzer_grpc_pb");
const pb = fromPack("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = fromPack("google-protobuf/google/protobuf/struct_pb");
const { Empty } = fromPack("google-protobuf/google/protobuf/empty_pb");

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];

describe("policy pack process", function () {
    this.timeout(120000);
    let child: ChildProcess;
    let client: Record<string, (req: unknown, callback: (e: unknown, r: unknown) => void) => void>;
    const rpc = <T = unknown>(method: string, req: unknown) =>
        new Promise<T>((resolve, reject) => client[method](req, (e: unknown, r: unknown) => (e ? reject(e) : resolve(r as T))));

    before(async () => {
        const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
        child = spawn(process.execPath, ["--import", pathToFileURL(path.join(__dirname, "transpile-only.mjs")).href, runner, "127.0.0.1:0", "."], { cwd: packDir });
        let stderr = "";
        child.stderr!.on("data", d => (stderr += d));
        const port = await new Promise<string>((resolve, reject) => {
            child.stdout!.once("data", d => resolve(String(d).trim()));
            child.once("exit", code => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
        });
        client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => child?.kill());

    it("is type-checked by npm test's tsc with every compiler option of the pack's own tsconfig", () => {
        const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
        const [pack, project] = [read(path.join(packDir, "tsconfig.json")), read(path.join(root, "tsconfig.json"))];
        assert.deepEqual(pack.files, ["index.ts"]);
        assert.ok(project.include.includes("policy/**/*.ts"), "the project's tsc checks policy/");
        for (const [option, value] of Object.entries(pack.compilerOptions)) assert.equal(project.compilerOptions[option], value, `compilerOptions.${option}`);
    });

    it("serves every policy with its config schema, mandatory by default", async () => {
        const info = await rpc<AnalyzerInfo>("getAnalyzerInfo", new Empty());
        assert.equal(info.getName(), "monitoring-stack");
        assert.ok(info.getSupportsconfig());
        const served = info.getPoliciesList().map(p => [p.getName(), LEVELS[p.getEnforcementlevel()]]);
        assert.deepEqual(served, policies.map(p => [p.name, packEnforcementLevel]));
    });

    it("finds prod clean under prod.json and blocks a broken Grafana release", async () => {
        const req = new pb.ConfigureAnalyzerRequest();
        for (const [name, s] of Object.entries(reconcile(policies, packEnforcementLevel, JSON.parse(fs.readFileSync(path.join(packDir, "prod.json"), "utf8"))))) {
            const config = new pb.PolicyConfig();
            config.setEnforcementlevel(LEVELS.indexOf(s.level));
            config.setProperties(Struct.fromJavaScript(s.config));
            req.getPolicyconfigMap().set(name, config);
        }
        await rpc("configure", req);

        const analyze = async (r: { type: string; urn: string; name: string; inputs: object; deleteBeforeReplace: boolean }) => {
            const a = new pb.AnalyzeRequest();
            a.setType(r.type);
            a.setUrn(r.urn);
            a.setName(r.name);
            a.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.inputs))));
            const opts = new pb.AnalyzerResourceOptions();
            opts.setDeletebeforereplace(r.deleteBeforeReplace);
            opts.setDeletebeforereplacedefined(true);
            a.setOptions(opts);
            const resp = await rpc<AnalyzeResponse>("analyze", a);
            return resp.getDiagnosticsList().map(d => `${LEVELS[d.getEnforcementlevel()]} ${d.getPolicyname()}: ${d.getMessage()}`);
        };

        const run = await runStack("prod");
        const found = (await Promise.all(run.resources.filter(r => r.custom).map(analyze))).flat();
        assert.deepEqual(found, []);

        const grafana = JSON.parse(JSON.stringify(run.release("grafana")));
        grafana.inputs.values.adminPassword = "hunter2";
        const broken = await analyze(grafana);
        assert.equal(broken.length, 1, broken.join("\n"));
        assert.match(broken[0], /^mandatory no-plaintext-credentials: .*release "grafana" \(grafana [^)]+\): adminPassword holds a literal credential/s);
    });
});
