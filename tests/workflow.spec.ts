// Holds .github/workflows/preview-and-deploy.yml to its design: what runs when, in which order, with which
// stack and policy configuration, and which secrets it reads.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { root } from "./harness";

const workflowDir = path.join(root, ".github", "workflows");
const text = fs.readFileSync(path.join(workflowDir, "preview-and-deploy.yml"), "utf8");
const workflow = parse(text);
const docs = fs.readFileSync(path.join(workflowDir, "README.md"), "utf8");

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

// Inputs of pulumi/actions v6.6.1 (action.yml): a misspelt input is ignored with only a warning.
const pulumiActionInputs = [
    "command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number",
    "comment-on-summary", "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map",
    "expect-no-changes", "diff", "replace", "exclude", "exclude-dependents", "target", "target-dependents", "policyPacks",
    "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment", "color", "exclude-protected", "plan",
    "suppress-outputs", "suppress-progress", "always-include-summary", "continue-on-error", "log-verbosity", "log-flow", "debug",
];

const stacks = [
    { stack: "dev", preview: "preview-dev", up: "up-dev", kubeconfig: "KUBECONFIG_DEV" },
    { stack: "prod", preview: "preview-prod", up: "up-prod", kubeconfig: "KUBECONFIG_PROD" },
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

    it("tests on every event with npm ci then npm test", () => {
        const test = jobs.test;
        assert.equal(test.if, undefined);
        const ci = stepIndex(test, s => s.run === "npm ci" && !s["working-directory"]);
        assert.ok(ci >= 0 && ci < stepIndex(test, s => s.run === "npm test"));
    });

    it("sets up Node 20 with the npm cache in every job", () => {
        for (const [name, job] of Object.entries(jobs)) {
            const setup = job.steps.find(s => s.uses?.startsWith("actions/setup-node@"));
            assert.ok(setup, name);
            assert.equal(String(setup.with?.["node-version"]), "20", name);
            assert.equal(setup.with?.cache, "npm", name);
        }
    });

    for (const { stack, preview, up, kubeconfig } of stacks) {
        it(`previews ${stack} on pull requests, after the tests, with the ${stack} policy configuration`, () => {
            const job = jobs[preview];
            assert.match(job.if!, /github\.event_name == 'pull_request'/);
            assert.deepEqual(needs(job), ["test"]);
            assert.equal(job.permissions?.["pull-requests"], "write", "comment-on-pr needs it");
            assert.deepEqual(pulumiStep(job).with, {
                command: "preview",
                "stack-name": stack,
                "pulumi-version": "3.248.0",
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
        });

        for (const name of [preview, up]) {
            it(`${name} installs both packages and its cluster's kubeconfig before running Pulumi`, () => {
                const job = jobs[name];
                const pulumi = stepIndex(job, s => s === pulumiStep(job));
                const rootCi = stepIndex(job, s => s.run === "npm ci" && !s["working-directory"]);
                const policyCi = stepIndex(job, s => s.run === "npm ci" && s["working-directory"] === "policy");
                const kube = stepIndex(job, s => s.env?.KUBECONFIG_CONTENT !== undefined);
                assert.ok(rootCi >= 0 && policyCi >= 0 && kube >= 0, name);
                assert.ok(Math.max(rootCi, policyCi, kube) < pulumi, name);
                assert.equal(job.steps[kube].env!.KUBECONFIG_CONTENT, `\${{ secrets.${kubeconfig} }}`);
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

    it("passes pulumi/actions v6 only inputs it knows", () => {
        for (const [name, job] of Object.entries(jobs).filter(([n]) => n !== "test")) {
            const step = pulumiStep(job);
            assert.equal(step.uses, "pulumi/actions@v6", name);
            for (const input of Object.keys(step.with ?? {})) assert.ok(pulumiActionInputs.includes(input), `${name}: ${input}`);
        }
    });

    it("documents exactly the secrets it reads, and reads them only through env", () => {
        const used = [...new Set([...text.matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map(m => m[1]))].sort();
        assert.deepEqual(used, ["KUBECONFIG_DEV", "KUBECONFIG_PROD", "PULUMI_ACCESS_TOKEN"]);
        assert.doesNotMatch(text, /secrets\[/, "no computed secret names");
        const documented = [...docs.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map(m => m[1]).sort();
        assert.deepEqual(documented, used);
        for (const job of Object.values(jobs)) {
            for (const step of job.steps) assert.ok(!step.run?.includes("${{"), `no expression inside a script: ${step.run}`);
        }
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
