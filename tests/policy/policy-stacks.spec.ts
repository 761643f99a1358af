// The whole pack, in process, over the resources recorded from both real stacks and from deliberately broken copies.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Values } from "../../charts/values";
import { PackConfigFile, reconcile, Resource, runPack, Violation } from "../../policy/in-process";
import { packEnforcementLevel, policies } from "../../policy/policies";
import { root, Run, runStack, stackConfig, testSecrets } from "../harness";

const packConfig = (stack: string): PackConfigFile =>
    JSON.parse(fs.readFileSync(path.join(root, "policy", `${stack}.json`), "utf8"));

/** The custom resources of a run as the analyzer sees them (secrets unwrapped), deep-copied so tests may edit them. */
const resourcesOf = (run: Run): Resource[] =>
    run.resources.filter(r => r.custom).map(r => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        parent: r.parent,
        deleteBeforeReplace: r.deleteBeforeReplace,
        protect: r.protect,
        props: JSON.parse(JSON.stringify(r.inputs)),
    }));

const check = (resources: Resource[], stack: string) => runPack(policies, packEnforcementLevel, resources, packConfig(stack));

const show = (vs: Violation[]) => vs.map(v => `${v.level} ${v.policy}: ${v.message}`).join("\n") || "(none)";

function release(resources: Resource[], chart: string): Values {
    const found = resources.find(r => r.type === "kubernetes:helm.sh/v3:Release" && r.props.chart === chart);
    if (!found) throw new Error(`no release of chart ${chart}`);
    return found.props;
}

/** Asserts that `policy` reports a mandatory violation whose message contains every fragment. */
function caught(vs: Violation[], policy: string, ...fragments: string[]) {
    const hit = vs.find(v => v.policy === policy && v.level === "mandatory" && fragments.every(f => v.message.includes(f)));
    assert.ok(hit, `expected a mandatory ${policy} violation with ${JSON.stringify(fragments)}, got:\n${show(vs)}`);
}

describe("policy pack over the recorded stacks", function () {
    this.timeout(60000);
    let dev: Resource[];
    let prod: Resource[];

    before(async () => {
        dev = resourcesOf(await runStack("dev"));
        prod = resourcesOf(await runStack("prod"));
    });

    it("the config files name only policies and properties of the pack: advisory in dev, mandatory in prod", () => {
        const levels = (stack: string) => new Set(Object.values(reconcile(policies, packEnforcementLevel, packConfig(stack))).map(s => s.level));
        assert.deepEqual([...levels("dev")], ["advisory"]);
        assert.deepEqual([...levels("prod")], ["mandatory"]);
    });

    it("prod has no violation under prod.json", async () => {
        const vs = await check(prod, "prod");
        assert.deepEqual(vs, [], show(vs));
    });

    it("dev has no mandatory violation under dev.json; its advisories are the production stance", async () => {
        const vs = await check(dev, "dev");
        assert.ok(vs.every(v => v.level === "advisory"), show(vs));
        assert.deepEqual(vs.map(v => [v.policy, v.message]).sort(), [
            ["production-alerting", 'Secret "alertmanager-config" (the Alertmanager configuration): declares no receiver, so every alert is delivered nowhere'],
            ["production-alerting", 'Secret "alertmanager-config" (the Alertmanager configuration): sends the Watchdog to no dead man\'s switch, so a Prometheus or Alertmanager that stops goes unnoticed'],
            ["production-replicas", 'release "loki" (loki 18.11.0): deploymentMode is "Monolithic", which runs Loki as one single binary; use SimpleScalable'],
            ["production-replicas", 'release "tempo" (tempo 2.2.4): chart "tempo" runs Tempo as a single monolithic binary; use tempo-distributed'],
        ], show(vs));
    });

    it("dev under prod.json is blocked by the production stance", async () => {
        const vs = await check(dev, "prod");
        caught(vs, "production-replicas", 'release "loki"', "deploymentMode");
        caught(vs, "production-replicas", 'release "tempo"');
        caught(vs, "production-alerting", "declares no receiver");
    });

    it("catches prod without a dead man's switch, or with alerts sent to the chart's null receiver", async () => {
        const alerting = JSON.parse(stackConfig("prod")["monitoring-stack:alerting"]);
        delete alerting.deadMansSwitch;
        const vs = await check(resourcesOf(await runStack("prod", { alerting })), "prod");
        caught(vs, "production-alerting", 'Secret "alertmanager-config"', "no dead man's switch");
        delete release(prod, "kube-prometheus-stack").values.alertmanager.alertmanagerSpec.configSecret;
        caught(await check(prod, "prod"), "production-alerting", 'release "kube-prometheus-stack"', '"null" receiver');
    });

    it("catches Loki retention the compactor will not apply", async () => {
        release(prod, "loki").values.loki.compactor = {};
        const vs = await check(prod, "prod");
        caught(vs, "loki-retention", 'release "loki"', "loki.compactor.retention_enabled is not true");
        caught(vs, "loki-retention", 'release "loki"', "loki.compactor.delete_request_store is not set");
    });

    it("catches retention out of bounds set through the stack config", async () => {
        const cfg = stackConfig("prod");
        const setting = (key: string, retention: string) => ({ ...JSON.parse(cfg[`monitoring-stack:${key}`]), retention });
        const run = await runStack("prod", {
            loki: setting("loki", "8760h"),
            tempo: setting("tempo", "24h"),
            prometheus: setting("prometheus", "365d"),
        });
        const vs = await check(resourcesOf(run), "prod");
        caught(vs, "loki-retention", 'release "loki"', "loki.limits_config.retention_period is 8760h", "720h..2160h");
        caught(vs, "tempo-retention", 'release "tempo"', "compactor.config.compaction.block_retention is 24h", "336h..2160h");
        caught(vs, "prometheus-retention", 'release "kube-prometheus-stack"', "prometheus.prometheusSpec.retention is 365d");
    });

    it("catches a removed memory limit", async () => {
        delete release(prod, "loki").values.write.resources.limits.memory;
        caught(await check(prod, "prod"), "resource-limits", 'release "loki"', "write.resources.limits.memory is not set");
    });

    it("catches a floating chart version and an old repository", async () => {
        release(prod, "grafana").version = "^12.11.0";
        release(prod, "loki").repositoryOpts.repo = "https://grafana.github.io/helm-charts";
        const vs = await check(prod, "prod");
        caught(vs, "helm-chart-version-pinned", 'release "grafana"', 'version "^12.11.0" is a range');
        caught(vs, "helm-chart-repository", 'release "loki"', "repositoryOpts.repo is https://grafana.github.io/helm-charts");
    });

    it("catches a plaintext password, also one taken from secret config, without printing it", async () => {
        const grafana = release(prod, "grafana").values;
        grafana.adminPassword = "hunter2-plaintext";
        grafana["grafana.ini"].database = { password: testSecrets.objectStorageSecretAccessKey };
        const vs = await check(prod, "prod");
        caught(vs, "no-plaintext-credentials", 'release "grafana"', "adminPassword holds a literal credential");
        caught(vs, "no-plaintext-credentials", 'release "grafana"', '"grafana.ini".database.password');
        const secrets = ["hunter2-plaintext", ...Object.values(testSecrets)];
        assert.ok(vs.every(v => secrets.every(s => !v.message.includes(s))), show(vs));
    });

    it("catches a Deployment the program creates without limits", async () => {
        prod.push({
            type: "kubernetes:apps/v1:Deployment",
            name: "raw",
            urn: "urn:pulumi:prod::monitoring-stack::kubernetes:apps/v1:Deployment::raw",
            props: {
                metadata: { name: "raw" },
                spec: { template: { spec: { containers: [{ name: "app", image: "nginx", resources: { requests: { cpu: "10m", memory: "16Mi" } } }] } } },
            },
        });
        caught(await check(prod, "prod"), "resource-limits", 'Deployment "raw" container "app"', "spec.template.spec.containers[0].resources.limits.memory");
    });

    it("catches the production stance broken in prod: fewer replicas, no persistence, no TLS", async () => {
        const loki = release(prod, "loki").values;
        loki.read.replicas = 1;
        release(prod, "tempo-distributed").values.ingester.persistence.enabled = false;
        release(prod, "grafana").values.ingress.tls = [];
        const vs = await check(prod, "prod");
        caught(vs, "production-replicas", 'release "loki"', "read.replicas is 1, fewer than 2");
        caught(vs, "production-persistence", 'release "tempo"', "ingester.persistence.enabled");
        caught(vs, "production-ingress-tls", 'release "grafana"', "ingress.tls is empty");
    });

    afterEach(async function () {
        // Mutating tests edit the shared copy; record prod afresh for the next one.
        if (this.currentTest?.title.startsWith("catches")) prod = resourcesOf(await runStack("prod"));
    });
});
