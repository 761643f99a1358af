import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { root } from "./harness";

// The layers and what each may import: settings -> plan -> resources, with the chart facts used by all.
const allowed: Record<string, string[]> = {
    charts: ["charts"],
    config: ["config", "charts"],
    plan: ["plan", "config", "charts"],
    components: ["components", "plan", "config", "charts"],
    policy: ["policy", "charts"],
    scripts: ["scripts", "plan", "config", "charts"],
    "index.ts": ["components", "plan", "config"],
};

function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(p);
        return e.name.endsWith(".ts") ? [p] : [];
    });
}

/** Every module specifier a file imports (static, dynamic and require). */
export function importsOf(text: string): string[] {
    return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)"([^"]+)"/gm)].map(m => m[1]);
}

/** The layer a project path belongs to: its top folder, or the file itself at the top. */
const layerOf = (file: string) => path.relative(root, file).split(path.sep)[0];

function violations(): string[] {
    const found: string[] = [];
    const files = [...Object.keys(allowed).filter(l => !l.endsWith(".ts")).flatMap(l => sources(path.join(root, l))), path.join(root, "index.ts")];
    for (const file of files) {
        const from = layerOf(file);
        for (const spec of importsOf(fs.readFileSync(file, "utf8"))) {
            const where = `${path.relative(root, file)} imports "${spec}"`;
            if (from === "plan" && spec.startsWith("@pulumi/")) found.push(`${where}: the plan is pure, no Pulumi`);
            if (!spec.startsWith(".")) continue;
            const target = path.resolve(path.dirname(file), spec);
            const to = layerOf(target);
            if (!allowed[from].includes(to)) found.push(`${where}: ${from} may import only ${allowed[from].join(", ")}`);
            // config/index.ts reads pulumi.Config: the plan uses the pure settings module.
            if (from === "plan" && path.relative(root, target) === "config") found.push(`${where}: use config/settings, not the Pulumi reader`);
        }
    }
    return found;
}

describe("architecture", () => {
    it("finds imports of every kind", () => {
        assert.deepEqual(importsOf('import { a } from "../x";\nconst y = require("./y");\nimport "./z";\nawait import("../w");'), ["../x", "./y", "./z", "../w"]);
    });

    it("keeps the layers' import rules: no back-arrows, nothing outside tests/ imports tests/, the plan without Pulumi", () => {
        assert.deepEqual(violations(), []);
    });

    it("lists in the README's architecture section exactly the folders the program has", () => {
        const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
        const start = readme.indexOf("## Architecture");
        const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
        const listed = [...section.matchAll(/^([a-z]+)\/\s/gm)].map(m => m[1]).sort();
        const folders = fs.readdirSync(root, { withFileTypes: true })
            .filter(e => e.isDirectory() && !e.name.startsWith(".") && !["node_modules", "out", "bin", "scratch"].includes(e.name))
            .map(e => e.name).sort();
        assert.deepEqual(listed, folders);
    });
});
