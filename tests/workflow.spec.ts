// Holds .github/workflows/preview-and-deploy.yml to its design: what runs when, in which order, with which
// stack and policy configuration, and which secrets it reads.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, parseAllDocuments } from "yaml";
import { root } from "./harness";

const workflowDir = path.join(root, ".github", "workflows");
const text = fs.readFileSync(path.join(workflowDir, "preview-and-deploy.yml"), "utf8");
const workflow = parse(text);
const docs = fs.readFileSync(path.join(workflowDir, "README.md"), "utf8");
const nvmrc = fs.readFileSync(path.join(root, ".nvmrc"), "utf8").trim();
const pulumiSdk: string = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
    "working-directory"?: string;
}
interface Job {
    if?: string;
    needs?: string | string[];
    environment?: string | { name: string };
    permissions?: Record<string, string>;
    steps: Step[];
}

const jobs = workflow.jobs as Record<string, Job>;
const needs = (job: Job) => [job.needs ?? []].flat();
const stepIndex = (job: Job, match: (s: Step) => boolean) => job.steps.findIndex(match);
const pulumiStep = (job: Job) => {
    const steps = job.steps.filter(s => s.uses?.startsWith("pulumi/actions@"));
    assert.equal(steps.length, 1, "one pulumi/actions step");
    return steps[0];
};

// Inputs of pulumi/actions v7.0.0 (action.yml, the same as v6.6.1): a misspelt input is ignored with only a warning.
const pulumiActionInputs = [
    "command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number",
    "comment-on-summary", "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map",
    "expect-no-changes", "diff", "replace", "exclude", "exclude-dependents", "target", "target-dependents", "policyPacks",
    "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment", "color", "exclude-protected", "plan",
    "suppress-outputs", "suppress-progress", "always-include-summary", "continue-on-error", "log-verbosity", "log-flow", "debug",
];

const stacks = [
    { stack: "dev", preview: "preview-dev", up: "up-dev", kubeconfig: "KUBECONFIG_DEV", readonly: "KUBECONFIG_DEV_READONLY" },
    { stack: "prod", preview: "preview-prod", up: "up-prod", kubeconfig: "KUBECONFIG_PROD", readonly: "KUBECONFIG_PROD_READONLY" },
];

describe("the preview-and-deploy workflow", () => {
    it("runs on pull requests to main and on pushes to main", () => {
        assert.deepEqual(Object.keys(workflow.on).sort(), ["pull_request", "push"]);
        assert.deepEqual(workflow.on.pull_request.branches, ["main"]);
        assert.deepEqual(workflow.on.push.branches, ["main"]);
        assert.deepEqual(workflow.permissions, { contents: "read" });
    });

    it("has exactly the test, preview and deploy jobs", () => {
        assert.deepEqual(Object.keys(jobs).sort(), ["preview-dev", "preview-prod", "test", "up-dev", "up-prod"]);
    });

    it("tests on every event with npm ci then npm test, then lints and type-checks with the CLI's TypeScript", () => {
        const test = jobs.test;
        assert.equal(test.if, undefined);
        const ci = stepIndex(test, s => s.run === "npm ci" && !s["working-directory"]);
        const npmTest = stepIndex(test, s => s.run === "npm test");
        assert.ok(ci >= 0 && ci < npmTest);
        const lint = stepIndex(test, s => s.run === "npm run lint");
        assert.ok(lint > ci, "npm run lint after npm ci");
        assert.ok(stepIndex(test, s => s.run === "npm run typecheck") > ci, "npm run typecheck after npm ci");
    });

    it("installs promtool and amtool (Ubuntu packages prometheus and prometheus-alertmanager) before npm test", () => {
        const test = jobs.test;
        const install = stepIndex(test, s => /\bapt-get install\b/.test(s.run ?? ""));
        assert.ok(install >= 0, "an apt-get install step");
        assert.ok(install < stepIndex(test, s => s.run === "npm test"), "before npm test");
        const run = test.steps[install].run!;
        assert.match(run, /^sudo apt-get update && sudo apt-get install -y /, "package lists first; the runner user needs sudo");
        const packages = run.replace(/^.*apt-get install -y /s, "").trim().split(/\s+/).sort();
        assert.deepEqual(packages, ["prometheus", "prometheus-alertmanager"]);
    });

    it(`sets up Node ${nvmrc} (.nvmrc) with the npm cache in every job`, () => {
        assert.equal(nvmrc, "24");
        for (const [name, job] of Object.entries(jobs)) {
            const setup = job.steps.find(s => s.uses?.startsWith("actions/setup-node@"));
            assert.ok(setup, name);
            assert.equal(String(setup.with?.["node-version"]), nvmrc, name);
            assert.equal(setup.with?.cache, "npm", name);
        }
    });

    for (const { stack, preview, up, kubeconfig, readonly } of stacks) {
        it(`previews ${stack} on pull requests, after the tests, with the ${stack} policy configuration`, () => {
            const job = jobs[preview];
            assert.match(job.if!, /github\.event_name == 'pull_request'/);
            assert.deepEqual(needs(job), ["test"]);
            assert.equal(job.permissions?.["pull-requests"], "write", "comment-on-pr needs it");
            assert.deepEqual(pulumiStep(job).with, {
                command: "preview",
                "stack-name": stack,
                "pulumi-version": pulumiSdk,
                policyPacks: "./policy",
                policyPackConfigs: `./policy/${stack}.json`,
                "comment-on-pr": true,
            });
        });

        it(`deploys ${stack} on pushes only, with the ${stack} policy configuration`, () => {
            const job = jobs[up];
            assert.equal(job.if, "github.event_name == 'push'");
            const w = pulumiStep(job).with!;
            assert.equal(w.command, "up");
            assert.equal(w["stack-name"], stack);
            assert.equal(w.policyPackConfigs, `./policy/${stack}.json`);
            assert.equal(w["pulumi-version"], pulumiSdk, "the CLI of the SDK's version");
        });

        for (const name of [preview, up]) {
            const secret = name === preview ? readonly : kubeconfig;
            it(`${name} installs both packages and its cluster's ${name === preview ? "read-only " : ""}kubeconfig (${secret}) before running Pulumi`, () => {
                const job = jobs[name];
                const pulumi = stepIndex(job, s => s === pulumiStep(job));
                const rootCi = stepIndex(job, s => s.run === "npm ci" && !s["working-directory"]);
                const policyCi = stepIndex(job, s => s.run === "npm ci" && s["working-directory"] === "policy");
                const kube = stepIndex(job, s => s.env?.KUBECONFIG_CONTENT !== undefined);
                assert.ok(rootCi >= 0 && policyCi >= 0 && kube >= 0, name);
                assert.ok(Math.max(rootCi, policyCi, kube) < pulumi, name);
                assert.equal(job.steps[kube].env!.KUBECONFIG_CONTENT, `\${{ secrets.${secret} }}`);
                const secretsOfJob = [...JSON.stringify(job).matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map(m => m[1]).sort();
                assert.deepEqual(secretsOfJob, ["PULUMI_ACCESS_TOKEN", secret].sort(), `${name} sees no other kubeconfig`);
                assert.match(job.steps[kube].run!, /"\$RUNNER_TEMP\/kubeconfig"/);
                assert.deepEqual(pulumiStep(job).env, { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
            });
        }
    }

    it("deploys dev after the tests and prod after dev, prod behind the production environment", () => {
        assert.deepEqual(needs(jobs["up-dev"]), ["test"]);
        assert.deepEqual(needs(jobs["up-prod"]), ["up-dev"]);
        assert.equal(jobs["up-prod"].environment, "production");
        for (const name of ["test", "preview-dev", "preview-prod", "up-dev"]) assert.equal(jobs[name].environment, undefined, name);
    });

    it("passes pulumi/actions v7 only inputs it knows", () => {
        for (const [name, job] of Object.entries(jobs).filter(([n]) => n !== "test")) {
            const step = pulumiStep(job);
            assert.equal(step.uses, "pulumi/actions@v7", name);
            for (const input of Object.keys(step.with ?? {})) assert.ok(pulumiActionInputs.includes(input), `${name}: ${input}`);
        }
    });

    it("documents exactly the secrets it reads, and reads them only through env", () => {
        const used = [...new Set([...text.matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map(m => m[1]))].sort();
        assert.deepEqual(used, ["KUBECONFIG_DEV", "KUBECONFIG_DEV_READONLY", "KUBECONFIG_PROD", "KUBECONFIG_PROD_READONLY", "PULUMI_ACCESS_TOKEN"]);
        assert.doesNotMatch(text, /secrets\[/, "no computed secret names");
        const documented = [...docs.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map(m => m[1]).sort();
        assert.deepEqual(documented, used);
        for (const job of Object.values(jobs)) {
            for (const step of job.steps) assert.ok(!step.run?.includes("${{"), `no expression inside a script: ${step.run}`);
        }
    });

    it("documents the RBAC of the read-only kubeconfigs: nothing but discovery for its previews, read verbs only for a refresh", () => {
        const section = docs.slice(docs.indexOf("## Read-only kubeconfigs"));
        assert.ok(docs.includes("## Read-only kubeconfigs"), "a section on the read-only kubeconfigs");
        for (const { readonly } of stacks) assert.match(docs, new RegExp(`^\\| \`${readonly}\` \\| \`preview-`, "m"), readonly);
        for (const fact of ["system:discovery", "dryRun=All", "sh.helm.release.v1.", "owner=helm", "no RBAC binding"]) {
            assert.ok(section.includes(fact), `the section says ${fact}`);
        }
        // The documented needs hold only while the previews do not refresh.
        for (const { preview } of stacks) assert.equal(pulumiStep(jobs[preview]).with?.refresh, undefined, preview);
        const yamlBlock = /```yaml\n([\s\S]*?)```/.exec(section);
        assert.ok(yamlBlock, "the refresh roles as YAML");
        const roles = parseAllDocuments(yamlBlock[1]).map(d => d.toJS() as { kind: string; rules: { resources: string[]; verbs: string[] }[] });
        assert.deepEqual(roles.map(r => r.kind), ["ClusterRole", "Role"]);
        const rules = roles.flatMap(r => r.rules);
        for (const r of rules) assert.deepEqual(r.verbs.filter(v => !["get", "list", "watch"].includes(v)), [], `read verbs only: ${r.resources}`);
        const secrets = rules.find(r => r.resources.includes("secrets"));
        assert.deepEqual(secrets?.verbs, ["get", "list"], "Helm's storage driver lists the release Secrets by label");
        const granted = rules.flatMap(r => r.resources).sort();
        assert.deepEqual(granted, ["configmaps", "jobs", "limitranges", "namespaces", "networkpolicies", "prometheusrules", "resourcequotas", "secrets"]);
    });

    it("holds no literal credentials", () => {
        const patterns = [/pul-[0-9a-f]{20,}/, /gh[pousr]_[A-Za-z0-9]{20,}/, /github_pat_/, /-----BEGIN/, /AKIA[0-9A-Z]{16}/,
            /(client-key|client-certificate|certificate-authority)-data/, /\btoken:\s*[^$\s]/i];
        for (const p of patterns) assert.doesNotMatch(text, p);
    });

    it("refers to policy files that exist", () => {
        const referenced = [...new Set(Object.values(jobs).filter(j => j !== jobs.test).flatMap(j => {
            const w = pulumiStep(j).with!;
            return [`${w.policyPacks}/package.json`, `${w.policyPacks}/package-lock.json`, String(w.policyPackConfigs)];
        }))];
        assert.deepEqual(referenced.filter(f => !fs.existsSync(path.join(root, f))), []);
    });
});
