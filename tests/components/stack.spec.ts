import { strict as assert } from "assert";
import { charts, GRAFANA, GRAFANA_COMMUNITY, PROMETHEUS_COMMUNITY } from "../../charts/table";
import { AlertRule, RuleGroup } from "../../plan/telemetry/alert-rules";
import { settingsFromStackFile } from "../../config/stack-file";
import { plan } from "../../plan";
import { alertingTestCredentials, configError, plaintextContains, Recorded, root, Run, runStack, secretContains, stackConfig, testSecrets } from "../harness";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const component = (name: string) => `monitoring-stack:index:${name}`;

const planOf = (stack: string) => plan(settingsFromStackFile(`${root}/Pulumi.${stack}.yaml`));

/** The URNs a resource waits for. */
const waitsFor = (run: Run, r: Recorded) => r.dependencies.map(urn => run.resources.find(x => x.urn === urn)?.name);

describe("the program under mocks", function () {
    const runs: Record<string, Run> = {};
    before(async () => {
        runs.dev = await runStack("dev");
        runs.prod = await runStack("prod");
    });

    for (const stack of ["dev", "prod"]) {
        describe(`${stack} stack`, () => {
            const run = () => runs[stack];
            const values = (release: string) => run().release(release).inputs.values;

            it("installs each chart from its table entry with a fixed release name in its namespace", () => {
                const tempoChart = stack === "dev" ? "tempo" : "tempo-distributed";
                const expected: [string, keyof typeof charts, string][] = [
                    ["prometheus-operator-crds", "prometheus-operator-crds", PROMETHEUS_COMMUNITY],
                    ["kube-prometheus-stack", "kube-prometheus-stack", PROMETHEUS_COMMUNITY],
                    ["loki", "loki", GRAFANA_COMMUNITY],
                    ["tempo", tempoChart as keyof typeof charts, GRAFANA_COMMUNITY],
                    ["alloy", "alloy", GRAFANA],
                    ["alloy-node", "alloy", GRAFANA],
                    ["grafana", "grafana", GRAFANA_COMMUNITY],
                ];
                assert.equal(run().byType(RELEASE).length, expected.length);
                for (const [name, chart, repo] of expected) {
                    const r = run().release(name);
                    assert.equal(r.inputs.chart, charts[chart].chart);
                    assert.equal(r.inputs.version, charts[chart].version);
                    assert.match(r.inputs.version, /^\d+\.\d+\.\d+$/);
                    assert.equal(r.inputs.repositoryOpts.repo, repo);
                    assert.equal(r.inputs.namespace, name === "alloy-node" ? "monitoring-stack-node" : "monitoring-stack");
                    assert.equal(r.inputs.atomic, true);
                    assert.equal(r.inputs.cleanupOnFail, true);
                    assert.equal(r.inputs.timeout, charts[chart].timeout);
                    assert.equal(r.deleteBeforeReplace, true, `${name} must delete before replace`);
                    assert.equal(r.inputs.maxHistory, 10, `${name} keeps ten revisions`);
                }
            });

            it("parents every release in its own component with a monitoring-stack type token", () => {
                const owners: Record<string, string> = {
                    "prometheus-operator-crds": "PrometheusOperatorCrds", "kube-prometheus-stack": "Prometheus", loki: "Loki", tempo: "Tempo", alloy: "Alloy", "alloy-node": "AlloyNode", grafana: "Grafana",
                };
                for (const [release, type] of Object.entries(owners)) {
                    const parent = run().resources.find(r => r.urn === run().release(release).parent)!;
                    assert.equal(parent.type, component(type));
                    const top = run().resources.find(r => r.urn === parent.parent)!;
                    assert.equal(top.type, component("MonitoringStack"));
                }
            });

            it("orders the components by their real dependencies: the CRDs first, then every other release side by side", () => {
                const deps = (type: string) => waitsFor(run(), run().byType(component(type))[0]).sort();
                assert.deepEqual(deps("PrometheusOperatorCrds"), []);
                // node-exporter goes to the node namespace: kube-prometheus-stack waits for all of it (the namespace, its
                // LimitRange and its quota), and for its Alertmanager configuration.
                const nodeNamespace = ["monitoring-node-limits", "monitoring-node-namespace", "monitoring-node-quota"];
                assert.deepEqual(deps("Prometheus"), ["monitoring-alertmanager-config", ...nodeNamespace, "prometheus-operator-crds"]);
                const backendDeps = ["prometheus-operator-crds", ...(stack === "prod" ? ["monitoring-object-storage"] : [])].sort();
                assert.deepEqual(deps("Loki"), backendDeps);
                assert.deepEqual(deps("Tempo"), backendDeps);
                assert.deepEqual(deps("Alloy"), ["prometheus-operator-crds"]);
                assert.deepEqual(deps("Grafana"), ["prometheus-operator-crds"]);
                assert.deepEqual(deps("AlloyNode"), [...nodeNamespace, "prometheus-operator-crds"]);
                for (const r of ["loki", "tempo", "alloy", "grafana", "kube-prometheus-stack", "prometheus-operator-crds"]) {
                    assert.ok(waitsFor(run(), run().release(r)).includes("monitoring-namespace"), `${r} waits for the namespace`);
                }
                assert.ok(waitsFor(run(), run().release("alloy-node")).includes("monitoring-node-namespace"), "alloy-node waits for the node namespace");
            });

            it("has two levels of Helm waits on the critical path, the CRD release first", () => {
                // A release's level: one more than the deepest release it (or its component) waits for.
                const releases = run().byType(RELEASE);
                const level = (r: Recorded): number => {
                    const parent = run().resources.find(x => x.urn === r.parent)!;
                    const upstream = [...r.dependencies, ...parent.dependencies].map(urn => releases.find(x => x.urn === urn)).filter((x): x is Recorded => !!x);
                    return 1 + Math.max(0, ...upstream.map(level));
                };
                const levels = Object.fromEntries(releases.map(r => [r.inputs.name, level(r)]));
                assert.deepEqual(levels, {
                    "prometheus-operator-crds": 1, "kube-prometheus-stack": 2, loki: 2, tempo: 2, alloy: 2, "alloy-node": 2, grafana: 2,
                });
                const plan = planOf(stack);
                assert.deepEqual(plan.levels, [["namespace", "node-namespace"], ["prometheus-operator-crds"], ["kube-prometheus-stack", "loki", "tempo", "alloy", "alloy-node", "grafana"], ["smoke-test"]]);
            });

            it("gives Grafana a generated password through a Secret, never through values", async () => {
                const v = values("grafana");
                assert.deepEqual(v.admin, { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
                assert.equal(v.adminPassword, undefined);
                const { value: password, secret } = await run().resolve("grafanaAdminPassword");
                assert.equal(secret, true);
                assert.equal(typeof password, "string");
                assert.equal((password as string).length, 32);
                const adminSecret = run().byType("kubernetes:core/v1:Secret").find(r => r.inputs.metadata.name === "grafana-admin")!;
                assert.ok(secretContains(adminSecret.wire, password as string), "the password is secret in the Secret");
                for (const r of run().resources) {
                    assert.ok(!plaintextContains(r.wire, password as string), `${r.type} ${r.name} holds the password in plaintext`);
                }
                assert.ok(!JSON.stringify(run().release("grafana").inputs).includes(password as string));
                assert.equal(v["grafana.ini"].unified_alerting.enabled, true);
                assert.equal(v.persistence.enabled, true);
            });

            it("exports every endpoint from the wiring", async () => {
                const expected: Record<string, string> = {
                    namespace: "monitoring-stack",
                    nodeNamespace: "monitoring-stack-node",
                    alloyOtlpGrpc: "alloy.monitoring-stack.svc.cluster.local:4317",
                    alloyOtlpHttp: "http://alloy.monitoring-stack.svc.cluster.local:4318",
                    alloyMetricsUrl: "http://alloy.monitoring-stack.svc.cluster.local:12345/metrics",
                    alloyJaegerGrpc: "alloy.monitoring-stack.svc.cluster.local:14250",
                    alloyJaegerThriftHttp: "http://alloy.monitoring-stack.svc.cluster.local:14268/api/traces",
                    alloyJaegerAgent: "alloy.monitoring-stack.svc.cluster.local:6831",
                    alloyZipkinUrl: "http://alloy.monitoring-stack.svc.cluster.local:9411/api/v2/spans",
                    lokiGatewayUrl: "http://loki-gateway.monitoring-stack.svc.cluster.local:80",
                    lokiPushUrl: "http://loki-gateway.monitoring-stack.svc.cluster.local:80/loki/api/v1/push",
                    lokiQueryUrl: "http://loki-gateway.monitoring-stack.svc.cluster.local:80/loki/api/v1/query",
                    prometheusUrl: "http://kube-prometheus-stack-prometheus.monitoring-stack.svc.cluster.local:9090",
                    prometheusRemoteWriteUrl: "http://kube-prometheus-stack-prometheus.monitoring-stack.svc.cluster.local:9090/api/v1/write",
                    grafanaAdminUser: "admin",
                };
                const ingest = stack === "dev" ? "tempo" : "tempo-distributor";
                const query = stack === "dev" ? "tempo" : "tempo-query-frontend";
                Object.assign(expected, {
                    tempoOtlpGrpc: `${ingest}.monitoring-stack.svc.cluster.local:4317`,
                    tempoOtlpHttp: `http://${ingest}.monitoring-stack.svc.cluster.local:4318`,
                    tempoJaegerGrpc: `${ingest}.monitoring-stack.svc.cluster.local:14250`,
                    tempoJaegerThriftHttp: `http://${ingest}.monitoring-stack.svc.cluster.local:14268/api/traces`,
                    tempoJaegerAgent: `${ingest}.monitoring-stack.svc.cluster.local:6831`,
                    tempoZipkinUrl: `http://${ingest}.monitoring-stack.svc.cluster.local:9411/api/v2/spans`,
                    tempoQueryUrl: `http://${query}.monitoring-stack.svc.cluster.local:3200`,
                    grafanaUrl: stack === "dev" ? "http://grafana.monitoring-stack.svc.cluster.local:80" : "https://grafana.techcasa.io",
                });
                for (const [name, value] of Object.entries(expected)) {
                    const out = await run().resolve(name);
                    assert.equal(out.value, value, name);
                    assert.equal(out.secret, false, `${name} is not secret`);
                }
                assert.deepEqual(Object.keys(run().outputs).sort(), [...Object.keys(expected), "grafanaAdminPassword", "otelEnv", "smokeTest", "deployedShape"].sort());
                const env = (await run().resolve("otelEnv")).value as Record<string, string>;
                assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, expected.alloyOtlpHttp);
                assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, "http/protobuf");
            });

        });
    }

    describe("prod specifics", () => {
        it("keeps the object-storage and alerting credentials secret: in their Secrets, nowhere in plain text", () => {
            const secret = runs.prod.byType("kubernetes:core/v1:Secret").find(r => r.inputs.metadata.name === "object-storage")!;
            for (const value of [testSecrets.objectStorageAccessKeyId, testSecrets.objectStorageSecretAccessKey]) {
                assert.ok(secretContains(secret.wire, value), "credential is secret in the Secret");
                for (const r of runs.prod.resources) assert.ok(!plaintextContains(r.wire, value), `${r.name} leaks a credential`);
            }
            // The receivers' credentials too (their Secret is checked in alertmanager.spec.ts).
            for (const value of Object.values(alertingTestCredentials)) {
                for (const r of runs.prod.resources) assert.ok(!plaintextContains(r.wire, value), `${r.name} leaks an alerting credential`);
            }
        });
    });

    describe("self-monitoring", () => {
        it("turns on each chart's ServiceMonitor when Prometheus is managed", () => {
            for (const run of [runs.dev, runs.prod]) {
                assert.equal(run.release("loki").inputs.values.monitoring.serviceMonitor.enabled, true);
                assert.equal(run.release("loki").inputs.values.monitoring.alerts.enabled, false);
            }
            assert.equal(runs.dev.release("tempo").inputs.values.serviceMonitor.enabled, true);
            assert.equal(runs.prod.release("tempo").inputs.values.metaMonitoring.serviceMonitor.enabled, true);
            for (const run of [runs.dev, runs.prod]) {
                assert.equal(run.release("alloy").inputs.values.serviceMonitor.enabled, true);
                assert.equal(run.release("grafana").inputs.values.serviceMonitor.enabled, true);
            }
        });

        it("loads the stack's alert rules into Prometheus after its CRDs and ships the health dashboard", () => {
            for (const run of [runs.dev, runs.prod]) {
                const rule = run.byType("kubernetes:monitoring.coreos.com/v1:PrometheusRule")[0];
                assert.ok(rule.inputs.spec.groups.flatMap((g: RuleGroup) => g.rules).some((r: AlertRule) => r.alert === "LokiIngestionStopped"));
                const owner = run.resources.find(r => r.urn === rule.parent)!;
                assert.equal(owner.type, component("SelfMonitoring"));
                assert.deepEqual(waitsFor(run, owner), ["prometheus-operator-crds"]);
                const dashboard = run.byType("kubernetes:core/v1:ConfigMap").find(r => r.inputs.metadata.name === "monitoring-stack-health")!;
                assert.equal(dashboard.inputs.metadata.labels.grafana_dashboard, "1");
                assert.equal(JSON.parse(dashboard.inputs.data["monitoring-stack-health.json"]).uid, "monitoring-stack-health");
            }
        });

        it("leaves ServiceMonitors off for an external Prometheus (no operator CRDs)", async () => {
            const run = await runStack("dev", { prometheus: { mode: "external", url: "http://prometheus.obs.svc:9090" } });
            assert.equal(run.release("loki").inputs.values.monitoring.serviceMonitor.enabled, false);
            assert.equal(run.release("tempo").inputs.values.serviceMonitor.enabled, false);
            assert.equal(run.byType("kubernetes:monitoring.coreos.com/v1:PrometheusRule").length, 0);
        });
    });

    describe("namespace guardrails and data safety", () => {
        it("labels the two namespaces for Pod Security admission and sets container defaults in both", () => {
            const labels = (ns: Recorded) => ["enforce", "warn", "audit"].map(k => ns.inputs.metadata.labels[`pod-security.kubernetes.io/${k}`]);
            for (const run of [runs.dev, runs.prod]) {
                const [main, node] = ["monitoring-namespace", "monitoring-node-namespace"].map(n => run.byType("kubernetes:core/v1:Namespace").find(r => r.name === n)!);
                assert.equal(main.inputs.metadata.name, "monitoring-stack");
                assert.deepEqual(labels(main), ["restricted", "restricted", "restricted"]);
                assert.equal(node.inputs.metadata.name, "monitoring-stack-node");
                assert.deepEqual(labels(node), ["privileged", "baseline", "baseline"]);
                const lrs = run.byType("kubernetes:core/v1:LimitRange");
                assert.deepEqual(lrs.map(lr => lr.inputs.metadata.namespace).sort(), ["monitoring-stack", "monitoring-stack-node"]);
                for (const lr of lrs) assert.deepEqual(lr.inputs.spec.limits[0].default, { cpu: "500m", memory: "256Mi" });
                assert.ok(waitsFor(run, lrs.find(lr => lr.name === "monitoring-limits")!).includes("monitoring-namespace"));
                assert.ok(waitsFor(run, lrs.find(lr => lr.name === "monitoring-node-limits")!).includes("monitoring-node-namespace"));
            }
        });

        it("sizes a ResourceQuota per namespace from the footprint of the workloads there, with headroom", () => {
            const hard = (run: Run, ns: string) => run.byType("kubernetes:core/v1:ResourceQuota").find(r => r.inputs.metadata.namespace === ns)!.inputs.spec.hard;
            // dev, main namespace: the requests of `npm run render -- dev` without node-exporter and the Alloy node agent, times 1.5.
            assert.deepEqual(hard(runs.dev, "monitoring-stack"), { "requests.cpu": "1350m", "requests.memory": "3749Mi", "limits.cpu": "12750m", "limits.memory": "8738Mi" });
            // node namespace: node-exporter (20m/32Mi) and Alloy (100m/256Mi) with its config reloader (10m/50Mi), one node.
            assert.deepEqual(hard(runs.dev, "monitoring-stack-node"), { "requests.cpu": "195m", "requests.memory": "507Mi", "limits.cpu": "1950m", "limits.memory": "960Mi" });
            // prod: both DaemonSets count three times (cluster.nodes): 3 x (20m + 200m + 10m), times 1.5.
            assert.equal(hard(runs.prod, "monitoring-stack-node")["requests.cpu"], "1035m");
        });

        it("protects every resource in prod but the smoke test's and the rotatable password, so that a destroy refuses before it deletes anything; nothing in dev", () => {
            assert.deepEqual(runs.dev.resources.filter(r => r.protect).map(r => r.name), []);
            const smokeTest = runs.prod.resources.find(r => r.type === component("SmokeTest"))!;
            const unprotected = runs.prod.resources.filter(r => !r.protect).map(r => `${r.type} ${r.name}`).sort();
            assert.deepEqual(unprotected, [
                "kubernetes:batch/v1:Job monitoring-smoke-test",
                "kubernetes:core/v1:ConfigMap monitoring-smoke-test-script",
                "monitoring-stack:index:SmokeTest monitoring-smoke-test",
                "random:index/randomPassword:RandomPassword monitoring-grafana-admin-password",
            ]);
            assert.equal(runs.prod.resources.filter(r => r.parent === smokeTest.urn).length, 2);
            // The password is only ever deleted after the protected Secret that holds it, which depends on it.
            const secret = runs.prod.byType("kubernetes:core/v1:Secret").find(r => r.inputs.metadata.name === "grafana-admin")!;
            const password = runs.prod.byType("random:index/randomPassword:RandomPassword").find(r => r.name === "monitoring-grafana-admin-password")!;
            assert.ok(secret.protect);
            assert.ok(secret.dependencies.includes(password.urn), "the admin Secret depends on the password");
        });
    });

});

describe("the Kubernetes provider's settings", () => {
    it("updates every Secret and ConfigMap the program owns in place: default provider, both stack files mutable", async () => {
        for (const stack of ["dev", "prod"]) {
            const run = await runStack(stack);
            const owned = [...run.byType("kubernetes:core/v1:Secret"), ...run.byType("kubernetes:core/v1:ConfigMap")];
            assert.ok(owned.length >= (stack === "prod" ? 4 : 3), `${stack}: ${owned.map(r => r.name)}`);
            for (const r of owned) {
                assert.equal(r.provider, "", `${stack}: ${r.name} uses the default provider, which reads the kubernetes: config`);
                assert.deepEqual(r.replaceOnChanges, [], `${stack}: ${r.name} does not opt back into replacement`);
            }
            const config = stackConfig(stack);
            assert.equal(config["kubernetes:enableSecretMutable"], "true", stack);
            assert.equal(config["kubernetes:enableConfigMapMutable"], "true", stack);
        }
    });

    it("refuses a stack that does not set them, naming the command", async () => {
        const message = await configError("dev", { "kubernetes:enableSecretMutable": undefined });
        assert.match(message, /^kubernetes:enableSecretMutable must be true in the stack configuration \(`pulumi config set kubernetes:enableSecretMutable true`\)/);
        const both = await configError("dev", { "kubernetes:enableSecretMutable": undefined, "kubernetes:enableConfigMapMutable": false });
        assert.match(both, /^kubernetes:enableSecretMutable and kubernetes:enableConfigMapMutable must be true/);
    });
});

describe("configuration errors stop the program", () => {
    it("names the key, the value and what is expected", async () => {
        const message = await configError("dev", { loki: { mode: "SingleBinary", retention: "31 days" } });
        assert.match(message, /loki\.retention must be a duration like "744h", got "31 days"/);
    });

    it("refuses an unknown top-level setting of the stack configuration instead of ignoring it", async () => {
        const message = await configError("dev", { lokki: { retention: "1h" } });
        assert.match(message, /lokki is not a known setting \(did you mean "loki"\?\)/);
    });

    it("asks for the object-storage secrets when prod lacks them", async () => {
        const message = await configError("prod", {}, {});
        assert.match(message, /objectStorageAccessKeyId and objectStorageSecretAccessKey are missing/);
        assert.match(message, /pulumi config set --secret objectStorageAccessKeyId/);
    });

    it("refuses credentials that would break Loki's and Tempo's YAML after expansion, without showing them", async () => {
        const message = await configError("prod", {}, { objectStorageAccessKeyId: "AKIAEXAMPLE", objectStorageSecretAccessKey: "abc: #def" });
        assert.match(message, /^objectStorageSecretAccessKey may only contain letters, digits and \/ \+ = \. _ ~ -/);
        assert.doesNotMatch(message, /abc: #def/);
    });

    it("refuses an external Prometheus without its URL", async () => {
        const message = await configError("dev", { prometheus: { mode: "external" } });
        assert.match(message, /prometheus\.url is required when prometheus\.mode is "external"/);
    });

    it("installs no Prometheus release for an external Prometheus and points everything at it", async () => {
        const run = await runStack("dev", { prometheus: { mode: "external", url: "http://prometheus.obs.svc:9090" } });
        assert.equal(run.byType(RELEASE).some(r => r.inputs.name === "kube-prometheus-stack"), false);
        assert.equal((await run.resolve("prometheusRemoteWriteUrl")).value, "http://prometheus.obs.svc:9090/api/v1/write");
        assert.equal(run.release("tempo").inputs.values.tempo.metricsGenerator.remoteWriteUrl, "http://prometheus.obs.svc:9090/api/v1/write");
    });
});
