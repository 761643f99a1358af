// Each policy as a unit on fake validation arguments: a passing case and every failure mode.
import { strict as assert } from "assert";
import { reconcile, Resource, validate } from "../../policy/in-process";
import { goDurationHours, promDurationHours, quantity } from "../../charts/units";
import { Values } from "../../charts/values";
import {
    chartRepository, chartVersionPinned, lokiRetention, noPlaintextCredentials, policies, productionIngressTls,
    productionPersistence, productionReplicas, prometheusRetention, releaseNameFixed, resourceLimits, tempoRetention,
} from "../../policy/policies";

const COMMUNITY = "https://grafana-community.github.io/helm-charts";
const charts: Record<string, { version: string; repo: string }> = {
    loki: { version: "18.11.0", repo: COMMUNITY },
    tempo: { version: "2.2.4", repo: COMMUNITY },
    "tempo-distributed": { version: "2.26.2", repo: COMMUNITY },
    grafana: { version: "12.11.1", repo: COMMUNITY },
    alloy: { version: "1.11.1", repo: "https://grafana.github.io/helm-charts" },
    "kube-prometheus-stack": { version: "88.5.3", repo: "https://prometheus-community.github.io/helm-charts" },
};

function release(chart: string, values: Values, props: Values = {}, deleteBeforeReplace = true): Resource {
    const name = props.name ?? chart;
    return {
        type: "kubernetes:helm.sh/v3:Release",
        name,
        urn: `urn:pulumi:test::monitoring-stack::kubernetes:helm.sh/v3:Release::${name}`,
        deleteBeforeReplace,
        props: { name, chart, version: charts[chart]?.version, repositoryOpts: { repo: charts[chart]?.repo }, values, ...props },
    };
}

const R = () => ({ requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } });

const lokiOk = (): Values => ({
    deploymentMode: "SimpleScalable",
    loki: {
        storage: { type: "s3", s3: { accessKeyId: "${AWS_ACCESS_KEY_ID}", secretAccessKey: "${AWS_SECRET_ACCESS_KEY}" } },
        limits_config: { retention_period: "744h" },
        compactor: { retention_enabled: true, delete_request_store: "s3" },
    },
    write: { replicas: 2, resources: R() },
    read: { replicas: 2, resources: R() },
    backend: { replicas: 2, resources: R() },
    sidecar: { resources: R() },
    gateway: { resources: R(), metrics: { resources: R() } },
    lokiCanary: { resources: R() },
    chunksCache: { resources: R() },
    resultsCache: { resources: R() },
    memcachedExporter: { resources: R() },
    test: { enabled: false },
});

const tempoOk = (): Values => ({
    compactor: { replicas: 1, resources: R(), config: { compaction: { block_retention: "720h" } } },
    ingester: { replicas: 2, resources: R(), persistence: { enabled: true } },
    distributor: { replicas: 2, resources: R() },
    querier: { replicas: 2, resources: R() },
    queryFrontend: { replicas: 2, resources: R() },
    memcached: { resources: R() },
    storage: { trace: { s3: { access_key: "${AWS_ACCESS_KEY_ID}", secret_key: "${AWS_SECRET_ACCESS_KEY}" } } },
});

const grafanaOk = (): Values => ({
    admin: { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" },
    resources: R(),
    persistence: { enabled: true },
    initChownData: { resources: R() },
    sidecar: { resources: R(), dashboards: { enabled: true } },
    testFramework: { enabled: false },
    ingress: { enabled: true, hosts: ["grafana.example.com"], tls: [{ secretName: "grafana-tls", hosts: ["grafana.example.com"] }] },
});

const kpsOk = (): Values => ({
    grafana: { enabled: false },
    prometheusOperator: { resources: R(), prometheusConfigReloader: { resources: R() }, admissionWebhooks: { patch: { resources: R() } } },
    prometheus: {
        prometheusSpec: { retention: "30d", resources: R(), storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "50Gi" } } } } } },
    },
    alertmanager: { alertmanagerSpec: { resources: R() } },
    "kube-state-metrics": { resources: R() },
    "prometheus-node-exporter": { resources: R() },
});

const alloyOk = (): Values => ({ alloy: { resources: R() }, configReloader: { resources: { limits: { memory: "64Mi" } } } });

/** Asserts exactly the expected messages (by substring, in any order). */
async function expectMessages(messages: Promise<string[]>, expected: string[]) {
    const got = await messages;
    assert.equal(got.length, expected.length, `expected ${expected.length} message(s), got:\n${got.join("\n")}`);
    for (const e of expected) assert.ok(got.some(m => m.includes(e)), `no message contains ${JSON.stringify(e)}:\n${got.join("\n")}`);
}

describe("policy: parsers", () => {
    it("reads Go durations (Tempo) in hours", () => {
        assert.equal(goDurationHours("720h"), 720);
        assert.equal(goDurationHours("1h30m"), 1.5);
        assert.equal(goDurationHours("1.5h"), 1.5);
        assert.equal(goDurationHours("0"), 0);
        for (const bad of ["30d", "", "h", "720", "-1h", "7 d"]) assert.equal(goDurationHours(bad), undefined, bad);
    });

    it("reads Prometheus durations (Prometheus, Loki) in hours", () => {
        assert.equal(promDurationHours("30d"), 720);
        assert.equal(promDurationHours("1w2d"), 216);
        assert.equal(promDurationHours("744h"), 744);
        assert.equal(promDurationHours("1h30m"), 1.5);
        assert.equal(promDurationHours("1y"), 8760);
        for (const bad of ["1.5h", "", "2h1d", "30 days", "d"]) assert.equal(promDurationHours(bad), undefined, bad);
    });

    it("reads Kubernetes quantities", () => {
        assert.equal(quantity("250m"), 0.25);
        assert.equal(quantity("2"), 2);
        assert.equal(quantity(2), 2);
        assert.equal(quantity("512Mi"), 512 * 2 ** 20);
        assert.equal(quantity("1.5Gi"), 1.5 * 2 ** 30);
        assert.equal(quantity("1e3"), 1000);
        assert.equal(quantity("1G"), 1e9);
        for (const bad of ["lots", "10MB", "", "1 Gi"]) assert.equal(quantity(bad), undefined, bad);
    });
});

describe("policy: loki-retention", () => {
    it("passes a bounded period applied by the compactor, in either duration grammar", async () => {
        await expectMessages(validate(lokiRetention, release("loki", lokiOk())), []);
        const days = lokiOk();
        days.loki.limits_config.retention_period = "31d";
        await expectMessages(validate(lokiRetention, release("loki", days)), []);
    });

    it("reports an unset, unparsable or out-of-bounds period with the release and the key path", async () => {
        const v = lokiOk();
        delete v.loki.limits_config.retention_period;
        await expectMessages(validate(lokiRetention, release("loki", v)), ['release "loki" (loki 18.11.0): loki.limits_config.retention_period is not set']);
        v.loki.limits_config.retention_period = "31 days";
        await expectMessages(validate(lokiRetention, release("loki", v)), ['loki.limits_config.retention_period is "31 days", not a duration']);
        v.loki.limits_config.retention_period = "8760h";
        await expectMessages(validate(lokiRetention, release("loki", v)), ["loki.limits_config.retention_period is 8760h (365 days), outside the allowed 24h..2160h"]);
        v.loki.limits_config.retention_period = "168h";
        await expectMessages(validate(lokiRetention, release("loki", v), { minHours: 720 }), ["outside the allowed 720h..2160h"]);
    });

    it("reports a period the compactor will not apply", async () => {
        const v = lokiOk();
        v.loki.compactor = {};
        await expectMessages(validate(lokiRetention, release("loki", v)), [
            'release "loki" (loki 18.11.0): loki.compactor.retention_enabled is not true',
            'release "loki" (loki 18.11.0): loki.compactor.delete_request_store is not set',
        ]);
    });

    it("reads loki.structuredConfig first, as the chart merges it over the rendered config", async () => {
        const v = lokiOk();
        v.loki.structuredConfig = { limits_config: { retention_period: "9000h" } };
        await expectMessages(validate(lokiRetention, release("loki", v)), ["loki.structuredConfig.limits_config.retention_period is 9000h"]);
    });

    it("ignores other charts", async () => {
        await expectMessages(validate(lokiRetention, release("grafana", {})), []);
    });
});

describe("policy: tempo-retention", () => {
    it("checks tempo.retention for the tempo chart (Go durations have no days)", async () => {
        await expectMessages(validate(tempoRetention, release("tempo", { tempo: { retention: "168h" } })), []);
        await expectMessages(validate(tempoRetention, release("tempo", {})), ['release "tempo" (tempo 2.2.4): tempo.retention is not set']);
        await expectMessages(validate(tempoRetention, release("tempo", { tempo: { retention: "30d" } })), ['tempo.retention is "30d", not a duration like "720h"']);
    });

    it("checks compactor.config.compaction.block_retention for tempo-distributed", async () => {
        await expectMessages(validate(tempoRetention, release("tempo-distributed", tempoOk())), []);
        const v = tempoOk();
        v.compactor.config.compaction.block_retention = "1h";
        await expectMessages(validate(tempoRetention, release("tempo-distributed", v)), [
            'release "tempo-distributed" (tempo-distributed 2.26.2): compactor.config.compaction.block_retention is 1h',
        ]);
        delete v.compactor.config;
        await expectMessages(validate(tempoRetention, release("tempo-distributed", v)), ["compactor.config.compaction.block_retention is not set"]);
    });

    it("checks the backend scheduler's key when it is on (the default from tempo-distributed 3.x)", async () => {
        const key = "backendScheduler.config.provider.compaction.compaction.block_retention is not set";
        await expectMessages(validate(tempoRetention, release("tempo-distributed", { ...tempoOk(), backendScheduler: { enabled: true } })), [key]);
        await expectMessages(validate(tempoRetention, release("tempo-distributed", tempoOk(), { version: "3.3.0" })), [key]);
    });
});

describe("policy: prometheus-retention", () => {
    it("checks prometheus.prometheusSpec.retention", async () => {
        await expectMessages(validate(prometheusRetention, release("kube-prometheus-stack", kpsOk())), []);
        const v = kpsOk();
        delete v.prometheus.prometheusSpec.retention;
        await expectMessages(validate(prometheusRetention, release("kube-prometheus-stack", v)), [
            'release "kube-prometheus-stack" (kube-prometheus-stack 88.5.3): prometheus.prometheusSpec.retention is not set',
        ]);
        v.prometheus.prometheusSpec.retention = "365d";
        await expectMessages(validate(prometheusRetention, release("kube-prometheus-stack", v)), ["prometheus.prometheusSpec.retention is 365d (365 days), outside"]);
        v.prometheus.prometheusSpec.retention = "1.5d";
        await expectMessages(validate(prometheusRetention, release("kube-prometheus-stack", v)), ['is "1.5d", not a duration like "30d"']);
        v.prometheus.enabled = false;
        await expectMessages(validate(prometheusRetention, release("kube-prometheus-stack", v)), []);
    });
});

describe("policy: resource-limits", () => {
    const loki = (v: Values) => validate(resourceLimits, release("loki", v));

    it("passes Loki with every rendered container limited", async () => {
        await expectMessages(loki(lokiOk()), []);
    });

    it("reports a missing field and a request above its limit at the chart's key path", async () => {
        const v = lokiOk();
        delete v.write.resources.limits.memory;
        v.read.resources.requests.memory = "1Gi";
        await expectMessages(loki(v), [
            'release "loki" (loki 18.11.0): write.resources.limits.memory is not set (the write target)',
            "read.resources.requests.memory (1Gi) exceeds limits.memory (256Mi)",
        ]);
        v.write.resources.limits.memory = "lots";
        v.read.resources = R();
        await expectMessages(loki(v), ['write.resources.limits.memory is "lots", not a Kubernetes quantity']);
    });

    it("follows Loki's fallback to defaults.resources", async () => {
        const v = lokiOk();
        v.write.resources = {};
        v.defaults = { resources: { requests: { cpu: "100m", memory: "128Mi" } } };
        await expectMessages(loki(v), ["defaults.resources.limits.memory is not set (the write target; taken from defaults.resources because write.resources is empty)"]);
    });

    it("counts only what the deployment mode renders", async () => {
        const v = lokiOk();
        v.deploymentMode = "Monolithic";
        v.singleBinary = { replicas: 1, resources: R() };
        delete v.write.resources;
        await expectMessages(loki(v), []);
        delete v.singleBinary.resources;
        await expectMessages(loki(v), [
            "singleBinary.resources.requests.cpu is not set (the singleBinary target)",
            "singleBinary.resources.requests.memory", "singleBinary.resources.limits.memory",
        ]);
    });

    it("reports the gateway's exporter and the canary, which are on by default", async () => {
        const v = lokiOk();
        delete v.gateway.metrics;
        delete v.lokiCanary;
        await expectMessages(loki(v), [
            "gateway.metrics.resources.requests.cpu", "gateway.metrics.resources.requests.memory", "gateway.metrics.resources.limits.memory",
            "lokiCanary.resources.requests.cpu", "lokiCanary.resources.requests.memory", "lokiCanary.resources.limits.memory",
        ]);
    });

    it("asks to turn off the Loki test pod, which has no resources key, unless test pods are excluded", async () => {
        const v = lokiOk();
        delete v.test;
        await expectMessages(loki(v), ["the Helm test pod has no resources key in this chart; set test.enabled: false"]);
        await expectMessages(validate(resourceLimits, release("loki", v), { includeTestPods: false }), []);
    });

    it("accepts the memcached block Loki computes from allocatedMemory, which has no CPU limit", async () => {
        const v = lokiOk();
        delete v.chunksCache.resources;
        await expectMessages(loki(v), []);
        await expectMessages(validate(resourceLimits, release("loki", v), { requireCpuLimit: true }), [
            "chunksCache.resources.limits.cpu is not set", "write.resources.limits.cpu", "read.resources.limits.cpu",
            "backend.resources.limits.cpu", "sidecar.resources.limits.cpu", "gateway.resources.limits.cpu",
            "gateway.metrics.resources.limits.cpu", "lokiCanary.resources.limits.cpu", "resultsCache.resources.limits.cpu",
            "memcachedExporter.resources.limits.cpu",
        ]);
    });

    it("checks every Tempo component, with tempo-distributed's fallback to defaults.resources", async () => {
        await expectMessages(validate(resourceLimits, release("tempo-distributed", tempoOk())), []);
        const v = tempoOk();
        delete v.ingester.resources;
        await expectMessages(validate(resourceLimits, release("tempo-distributed", v)), [
            "ingester.resources.requests.cpu", "ingester.resources.requests.memory", "ingester.resources.limits.memory",
        ]);
        v.defaults = { resources: R() };
        await expectMessages(validate(resourceLimits, release("tempo-distributed", v)), []);
        await expectMessages(validate(resourceLimits, release("tempo", {})), ["tempo.resources.requests.cpu", "tempo.resources.requests.memory", "tempo.resources.limits.memory"]);
    });

    it("checks Alloy and its config reloader, whose chart default supplies the requests", async () => {
        await expectMessages(validate(resourceLimits, release("alloy", alloyOk())), []);
        await expectMessages(validate(resourceLimits, release("alloy", {})), [
            "alloy.resources.requests.cpu", "alloy.resources.requests.memory", "alloy.resources.limits.memory",
            'release "alloy" (alloy 1.11.1): configReloader.resources.limits.memory is not set (the config reloader)',
        ]);
    });

    it("checks Grafana, its sidecars, init containers and test pod", async () => {
        await expectMessages(validate(resourceLimits, release("grafana", grafanaOk())), []);
        const v = grafanaOk();
        delete v.sidecar.resources;
        delete v.testFramework;
        v.dashboards = { default: { node: { gnetId: 1860 } } };
        await expectMessages(validate(resourceLimits, release("grafana", v)), [
            "sidecar.resources.requests.cpu", "sidecar.resources.requests.memory", "sidecar.resources.limits.memory",
            "downloadDashboards.resources.requests.cpu", "downloadDashboards.resources.requests.memory", "downloadDashboards.resources.limits.memory",
            "testFramework.resources.requests.cpu", "testFramework.resources.requests.memory",
            "testFramework.resources.limits.memory is not set (the Helm test pod; or set testFramework.enabled: false)",
        ]);
    });

    it("checks kube-prometheus-stack's operator, Prometheus, Alertmanager, exporters and bundled Grafana", async () => {
        await expectMessages(validate(resourceLimits, release("kube-prometheus-stack", kpsOk())), []);
        const v = kpsOk();
        delete v["prometheus-node-exporter"];
        delete v.prometheusOperator.prometheusConfigReloader;
        await expectMessages(validate(resourceLimits, release("kube-prometheus-stack", v)), [
            "prometheus-node-exporter.resources.requests.cpu", "prometheus-node-exporter.resources.requests.memory",
            "prometheus-node-exporter.resources.limits.memory", "prometheusOperator.prometheusConfigReloader.resources.requests.cpu",
            "prometheusOperator.prometheusConfigReloader.resources.requests.memory", "prometheusOperator.prometheusConfigReloader.resources.limits.memory",
        ]);
        const bundled = { ...kpsOk(), grafana: { ...grafanaOk(), enabled: true, resources: {} } };
        await expectMessages(validate(resourceLimits, release("kube-prometheus-stack", bundled)), [
            "grafana.resources.requests.cpu", "grafana.resources.requests.memory", "grafana.resources.limits.memory",
        ]);
    });

    it("checks every container and initContainer of workloads the program creates", async () => {
        const spec = {
            initContainers: [{ name: "init", resources: R() }],
            containers: [{ name: "app", resources: { requests: { cpu: "100m", memory: "128Mi" } } }],
        };
        const workload = (type: string, props: Values): Resource => ({ type, name: "web", urn: `urn:${type}::web`, props });
        await expectMessages(validate(resourceLimits, workload("kubernetes:apps/v1:Deployment", { spec: { template: { spec } } })), [
            'Deployment "web" container "app": spec.template.spec.containers[0].resources.limits.memory is not set',
        ]);
        await expectMessages(validate(resourceLimits, workload("kubernetes:core/v1:Pod", { metadata: { name: "p" }, spec: { ...spec, initContainers: [{ name: "init" }] } })), [
            'Pod "p" container "init": spec.initContainers[0].resources.requests.cpu is not set',
            "spec.initContainers[0].resources.requests.memory", "spec.initContainers[0].resources.limits.memory",
            "spec.containers[0].resources.limits.memory",
        ]);
        await expectMessages(validate(resourceLimits, workload("kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template: { spec } } } } })), [
            "spec.jobTemplate.spec.template.spec.containers[0].resources.limits.memory",
        ]);
        const ok = { containers: [{ name: "app", resources: R() }] };
        for (const kind of ["apps/v1:StatefulSet", "apps/v1:DaemonSet", "batch/v1:Job"]) {
            await expectMessages(validate(resourceLimits, workload(`kubernetes:${kind}`, { spec: { template: { spec: ok } } })), []);
        }
    });

    it("ignores charts it does not know and resources that run nothing", async () => {
        await expectMessages(validate(resourceLimits, release("cert-manager", {})), []);
        await expectMessages(validate(resourceLimits, { type: "kubernetes:core/v1:ConfigMap", name: "c", urn: "urn:c", props: {} }), []);
    });
});

describe("policy: chart hygiene", () => {
    it("helm-chart-version-pinned wants an exact version", async () => {
        await expectMessages(validate(chartVersionPinned, release("loki", {})), []);
        await expectMessages(validate(chartVersionPinned, release("loki", {}, { version: "18.11.0-rc.1" })), []);
        await expectMessages(validate(chartVersionPinned, release("loki", {}, { version: "^18.0.0" })), ['release "loki" (loki ^18.0.0): version "^18.0.0" is a range']);
        await expectMessages(validate(chartVersionPinned, release("loki", {}, { version: "18.x" })), ['version "18.x" is a range']);
        await expectMessages(validate(chartVersionPinned, release("loki", {}, { version: undefined })), ['release "loki" (loki): version is not set']);
    });

    it("helm-chart-repository wants each chart's current home", async () => {
        for (const chart of Object.keys(charts)) await expectMessages(validate(chartRepository, release(chart, {})), []);
        const repo = (chart: string, props: Values) => validate(chartRepository, release(chart, {}, props));
        await expectMessages(repo("loki", { repositoryOpts: { repo: "https://grafana.github.io/helm-charts/" } }), [
            'release "loki" (loki 18.11.0): repositoryOpts.repo is https://grafana.github.io/helm-charts/, the old grafana repository',
        ]);
        await expectMessages(repo("alloy", { repositoryOpts: { repo: COMMUNITY } }), ["repositoryOpts.repo should be https://grafana.github.io/helm-charts"]);
        await expectMessages(repo("grafana", { repositoryOpts: {} }), ["repositoryOpts.repo is not set"]);
        await expectMessages(repo("loki", { chart: "grafana/loki", repositoryOpts: undefined }), ['chart "grafana/loki" names a local repository alias']);
        await expectMessages(repo("loki", { chart: "oci://ghcr.io/grafana-community/helm-charts/loki", repositoryOpts: undefined }), []);
        await expectMessages(repo("loki", { chart: "oci://ghcr.io/grafana/helm-charts/loki", repositoryOpts: undefined }), ["is not from oci://ghcr.io/grafana-community/helm-charts"]);
        await expectMessages(repo("cert-manager", { repositoryOpts: { repo: "https://charts.jetstack.io" } }), []);
    });

    it("helm-release-name-fixed wants a name and delete-first replacement", async () => {
        await expectMessages(validate(releaseNameFixed, release("grafana", {})), []);
        await expectMessages(validate(releaseNameFixed, release("grafana", {}, { name: undefined })), ['release "grafana" (grafana 12.11.1): name is not set']);
        await expectMessages(validate(releaseNameFixed, release("grafana", {}, {}, false)), ["needs the resource option deleteBeforeReplace: true"]);
    });
});

describe("policy: no-plaintext-credentials", () => {
    const check = (chart: string, v: Values) => validate(noPlaintextCredentials, release(chart, v));

    it("passes references to Secrets and environment variables", async () => {
        await expectMessages(check("grafana", { ...grafanaOk(), "grafana.ini": { database: { password: "$__file{/etc/secrets/db}" } } }), []);
        await expectMessages(check("loki", lokiOk()), []);
        await expectMessages(check("tempo-distributed", tempoOk()), []);
        await expectMessages(check("loki", { lokiCanary: { tenant: { password: null } }, gateway: { basicAuth: { password: "" } } }), []);
    });

    it("reports every literal credential by key path, never by value", async () => {
        const got = await check("grafana", {
            adminPassword: "hunter2",
            "grafana.ini": { security: { admin_password: "hunter2", secret_key: "k" }, database: { password: "p" }, smtp: { password: "p" } },
        });
        await expectMessages(Promise.resolve(got), [
            'release "grafana" (grafana 12.11.1): adminPassword holds a literal credential',
            '"grafana.ini".security.admin_password', '"grafana.ini".security.secret_key', '"grafana.ini".database.password', '"grafana.ini".smtp.password',
        ]);
        assert.ok(got.every(m => !m.includes("hunter2")));
        await expectMessages(check("loki", { loki: { storage: { s3: { accessKeyId: "AKIA0000", secretAccessKey: "s3cr3t" } } } }), [
            "loki.storage.s3.accessKeyId", "loki.storage.s3.secretAccessKey",
        ]);
        await expectMessages(check("tempo-distributed", { storage: { trace: { s3: { access_key: "a", secret_key: "b" } } } }), [
            "storage.trace.s3.access_key", "storage.trace.s3.secret_key",
        ]);
        await expectMessages(check("loki", { minio: { rootPassword: "supersecretpassword", users: [{ accessKey: "logs-user", secretKey: "x" }] } }), [
            "minio.rootPassword", "minio.users[0].accessKey", "minio.users[0].secretKey",
        ]);
    });
});

describe("policy: production stance", () => {
    it("production-replicas wants Loki SimpleScalable and replicated Tempo components", async () => {
        await expectMessages(validate(productionReplicas, release("loki", lokiOk())), []);
        await expectMessages(validate(productionReplicas, release("tempo-distributed", tempoOk())), []);
        const v = lokiOk();
        v.read.replicas = 1;
        await expectMessages(validate(productionReplicas, release("loki", v)), ['release "loki" (loki 18.11.0): read.replicas is 1, fewer than 2']);
        await expectMessages(validate(productionReplicas, release("loki", lokiOk()), { minReplicas: 3 }), [
            "write.replicas is 2, fewer than 3", "read.replicas is 2, fewer than 3", "backend.replicas is 2, fewer than 3",
        ]);
        v.read.autoscaling = { enabled: true, minReplicas: 1 };
        await expectMessages(validate(productionReplicas, release("loki", v)), ["read.autoscaling.minReplicas is 1, fewer than 2"]);
        await expectMessages(validate(productionReplicas, release("loki", { ...lokiOk(), deploymentMode: "SingleBinary" })), ['deploymentMode is "SingleBinary", which runs Loki as one single binary']);
        const filesystem = lokiOk();
        filesystem.loki.storage.type = "filesystem";
        await expectMessages(validate(productionReplicas, release("loki", filesystem)), ['deploymentMode is "SimpleScalable" but loki.storage.type is not an object store']);
        const unset = lokiOk();
        delete unset.deploymentMode;
        await expectMessages(validate(productionReplicas, release("loki", unset)), ["deploymentMode is unset (the chart's default is Monolithic)"]);
        await expectMessages(validate(productionReplicas, release("tempo", {})), ['release "tempo" (tempo 2.2.4): chart "tempo" runs Tempo as a single monolithic binary']);
        const t = tempoOk();
        delete t.distributor.replicas;
        await expectMessages(validate(productionReplicas, release("tempo-distributed", t)), ["distributor.replicas is 1, fewer than 2"]);
    });

    it("production-persistence wants persistent volumes for Loki, the Tempo ingester, Prometheus and Grafana", async () => {
        for (const [chart, v] of [["loki", lokiOk()], ["tempo-distributed", tempoOk()], ["kube-prometheus-stack", kpsOk()], ["grafana", grafanaOk()]] as const) {
            await expectMessages(validate(productionPersistence, release(chart, v)), []);
        }
        const loki = lokiOk();
        loki.write.persistence = { volumeClaimsEnabled: false };
        await expectMessages(validate(productionPersistence, release("loki", loki)), ['release "loki" (loki 18.11.0): write.persistence does not give it a persistent volume']);
        const mono = { ...lokiOk(), deploymentMode: "Monolithic", singleBinary: { replicas: 1, persistence: { inMemory: true } } };
        await expectMessages(validate(productionPersistence, release("loki", mono)), ["singleBinary.persistence does not"]);
        const t = tempoOk();
        delete t.ingester.persistence;
        await expectMessages(validate(productionPersistence, release("tempo-distributed", t)), ["ingester.persistence.enabled does not"]);
        await expectMessages(validate(productionPersistence, release("tempo", {})), ['release "tempo" (tempo 2.2.4): persistence.enabled does not']);
        const p = kpsOk();
        p.prometheus.prometheusSpec.storageSpec = { emptyDir: {} };
        await expectMessages(validate(productionPersistence, release("kube-prometheus-stack", p)), ["prometheus.prometheusSpec.storageSpec.volumeClaimTemplate does not"]);
        await expectMessages(validate(productionPersistence, release("grafana", {})), ['release "grafana" (grafana 12.11.1): persistence.enabled does not']);
    });

    it("production-ingress-tls wants TLS covering every host of an enabled ingress", async () => {
        await expectMessages(validate(productionIngressTls, release("grafana", grafanaOk())), []);
        await expectMessages(validate(productionIngressTls, release("grafana", { ingress: { enabled: false } })), []);
        const g = grafanaOk();
        g.ingress.tls = [];
        await expectMessages(validate(productionIngressTls, release("grafana", g)), ['release "grafana" (grafana 12.11.1): ingress.tls is empty']);
        g.ingress.tls = [{ secretName: "x", hosts: ["other.example.com"] }];
        await expectMessages(validate(productionIngressTls, release("grafana", g)), ["ingress.tls does not cover grafana.example.com"]);
        g.ingress.tls = [{ secretName: "x", hosts: ["*.example.com"] }];
        await expectMessages(validate(productionIngressTls, release("grafana", g)), []);
        const loki = { gateway: { ingress: { enabled: true, hosts: [{ host: "logs.example.com", paths: [] }] } } };
        await expectMessages(validate(productionIngressTls, release("loki", loki)), ["gateway.ingress.tls is empty"]);
        const ingress: Resource = {
            type: "kubernetes:networking.k8s.io/v1:Ingress", name: "web", urn: "urn:web",
            props: { metadata: { name: "web" }, spec: { rules: [{ host: "web.example.com" }] } },
        };
        await expectMessages(validate(productionIngressTls, ingress), ['Ingress "web": spec.tls is empty']);
    });
});

describe("policy: pack configuration", () => {
    it("fills schema defaults, applies `all`, then the policy's own level and properties", () => {
        const s = reconcile(policies, "mandatory", { all: "advisory", "production-replicas": { enforcementLevel: "mandatory", minReplicas: 3 } });
        assert.deepEqual(s["production-replicas"], { level: "mandatory", config: { minReplicas: 3 } });
        assert.deepEqual(s["loki-retention"], { level: "advisory", config: { minHours: 24, maxHours: 2160 } });
        assert.equal(reconcile(policies, "mandatory")["helm-chart-repository"].level, "mandatory");
        assert.equal(reconcile(policies, "mandatory", { "resource-limits": "disabled" })["resource-limits"].level, "disabled");
    });

    it("refuses unknown policies, unknown properties and wrong types", () => {
        assert.throws(() => reconcile(policies, "mandatory", { "loki-retentoin": "advisory" }), /names no policy of the pack: loki-retentoin/);
        assert.throws(() => reconcile(policies, "mandatory", { "loki-retention": { maxDays: 3 } }), /unknown config property maxDays/);
        assert.throws(() => reconcile(policies, "mandatory", { "production-replicas": { minReplicas: "2" } }), /is not of type integer/);
        assert.throws(() => reconcile(policies, "mandatory", { all: "strict" as never }), /not an enforcement level/);
    });

    it("gives every policy a unique name, a description and remediation steps", () => {
        assert.equal(new Set(policies.map(p => p.name)).size, policies.length);
        for (const p of policies) assert.ok(p.description && p.remediationSteps, p.name);
    });
});
