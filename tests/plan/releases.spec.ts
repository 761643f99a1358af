// Each release's values as the plan holds them: tested on the plan directly, without the Pulumi runtime.
import { strict as assert } from "assert";
import * as path from "path";
import { settingsFromStackFile } from "../../config/stack-file";
import { plan, StackPlan, Values } from "../../plan";
import { chartDefaults, referenceDir, unknownKeys } from "../chart-keys";
import { root } from "../harness";

const planOf = (stack: string, overrides: Record<string, unknown> = {}) => plan(settingsFromStackFile(path.join(root, `Pulumi.${stack}.yaml`), overrides));
const valuesIn = (p: StackPlan, release: string): Values => {
    const found = p.releases.find(r => r.name === release);
    if (!found) throw new Error(`no release ${release} in the plan`);
    return found.values;
};
const plans = { dev: planOf("dev"), prod: planOf("prod") };
const devValues = (release: string) => valuesIn(plans.dev, release);
const prodValues = (release: string) => valuesIn(plans.prod, release);

describe("release values in the plan", () => {
    for (const stack of ["dev", "prod"] as const) {
        describe(`${stack} stack`, () => {
            const p = plans[stack];
            const values = (release: string) => valuesIn(p, release);
            const release = (name: string) => p.releases.find(r => r.name === name)!;

            it("installs the operator's CRDs as their own release, kept on uninstall, and turns off kube-prometheus-stack's", () => {
                assert.deepEqual(values("prometheus-operator-crds"), { crds: { annotations: { "helm.sh/resource-policy": "keep" } } });
                assert.deepEqual(values("kube-prometheus-stack").crds, { enabled: false });
                assert.equal(release("prometheus-operator-crds").version, "31.0.1");
            });

            it("pins the operator's admission webhooks to Ignore, so that rules written before the operator is ready are admitted", () => {
                assert.equal(values("kube-prometheus-stack").prometheusOperator.admissionWebhooks.failurePolicy, "Ignore");
            });

            it("opens Prometheus to the other releases and receives remote write with exemplars", () => {
                const spec = values("kube-prometheus-stack").prometheus.prometheusSpec;
                assert.equal(spec.enableRemoteWriteReceiver, true);
                assert.deepEqual(spec.enableFeatures, ["exemplar-storage"]);
                for (const k of ["serviceMonitor", "podMonitor", "rule", "probe", "scrapeConfig"]) {
                    assert.equal(spec[`${k}SelectorNilUsesHelmValues`], false, k);
                }
                assert.equal(spec.retention, stack === "dev" ? "7d" : "30d");
                assert.equal(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage, stack === "dev" ? "10Gi" : "50Gi");
                const v = values("kube-prometheus-stack");
                assert.equal(v.fullnameOverride, "kube-prometheus-stack");
                assert.deepEqual(v.grafana, { enabled: false, forceDeployDashboards: true });
            });

            it("makes Loki retention actually delete", () => {
                const loki = values("loki").loki;
                assert.equal(loki.limits_config.retention_period, stack === "dev" ? "168h" : "744h");
                assert.equal(loki.compactor.retention_enabled, true);
                assert.equal(loki.compactor.delete_request_store, stack === "dev" ? "filesystem" : "s3");
                assert.equal(loki.auth_enabled, false);
                const schema = loki.schemaConfig.configs[0];
                assert.equal(schema.store, "tsdb");
                assert.equal(schema.schema, "v13");
                assert.equal(schema.object_store, loki.compactor.delete_request_store);
            });

            it("keeps Loki's caches and test pod sized for the environment", () => {
                const v = values("loki");
                assert.equal(v.chunksCache.allocatedMemory, stack === "dev" ? 256 : 1024);
                assert.equal(v.chunksCache.resources.requests.memory, stack === "dev" ? "308Mi" : "1229Mi");
                assert.equal(v.resultsCache.allocatedMemory, stack === "dev" ? 64 : 256);
                assert.equal(v.test.enabled, false);
                assert.equal(v.lokiCanary.enabled, true);
            });

            it("sets Tempo's retention and every receiver", () => {
                const v = values("tempo");
                if (stack === "dev") {
                    assert.equal(v.tempo.retention, "168h");
                    const r = v.tempo.receivers;
                    assert.deepEqual(Object.keys(r.jaeger.protocols).sort(), ["grpc", "thrift_compact", "thrift_http"]);
                    assert.equal(r.otlp.protocols.grpc.endpoint, "0.0.0.0:4317");
                    assert.equal(r.otlp.protocols.http.endpoint, "0.0.0.0:4318");
                    assert.equal(r.zipkin.endpoint, "0.0.0.0:9411");
                    assert.equal(v.persistence.enabled, true);
                    assert.equal(v.persistence.storageClassName, "local-path");
                } else {
                    assert.equal(v.compactor.config.compaction.block_retention, "720h");
                    assert.deepEqual(v.traces, {
                        otlp: { grpc: { enabled: true }, http: { enabled: true } },
                        jaeger: { grpc: { enabled: true }, thriftHttp: { enabled: true }, thriftCompact: { enabled: true } },
                        zipkin: { enabled: true },
                    });
                    assert.equal(v.storage.trace.backend, "s3");
                    assert.equal(v.storage.trace.s3.bucket, "tempo-traces");
                    assert.equal(v.ingester.replicas, 2);
                    assert.equal(v.ingester.config.replication_factor, 1);
                    assert.equal(v.ingester.persistence.enabled, true);
                    assert.equal(typeof v.distributor.affinity, "string", "tempo-distributed affinity is a tpl string");
                }
            });

            it("sets only keys the pinned charts know", function () {
                const problems: string[] = [];
                for (const r of p.releases) {
                    const defaults = chartDefaults(r.chartName, r.version);
                    if (!defaults) return this.skip(); // no reference copy of the chart beside the repository
                    problems.push(...unknownKeys(r.chartName, r.values, defaults));
                }
                assert.deepEqual(problems, [], `unknown keys (reference: ${referenceDir})`);
            });
        });
    }

    describe("prod specifics", () => {
        const values = prodValues;

        it("runs Loki SimpleScalable on S3 with 2 read / 2 write / 2 backend and hard anti-affinity on 3 nodes", () => {
            const v = values("loki");
            assert.equal(v.deploymentMode, "SimpleScalable");
            assert.equal(v.singleBinary.replicas, 0);
            for (const t of ["read", "write", "backend"]) {
                assert.equal(v[t].replicas, 2, t);
                assert.equal(v[t].affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.length, 1, t);
            }
            assert.equal(v.loki.storage.type, "s3");
            assert.deepEqual(v.loki.storage.bucketNames, { chunks: "loki-chunks", ruler: "loki-ruler" });
            assert.equal(v.loki.commonConfig.replication_factor, 1);
        });

        it("serves Grafana at grafana.techcasa.io through Traefik with a cert-manager certificate", () => {
            const ingress = values("grafana").ingress;
            assert.equal(ingress.enabled, true);
            assert.equal(ingress.ingressClassName, "traefik");
            assert.deepEqual(ingress.hosts, ["grafana.techcasa.io"]);
            assert.equal(ingress.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
            assert.deepEqual(ingress.tls, [{ secretName: "grafana-tls", hosts: ["grafana.techcasa.io"] }]);
        });

        it("clusters Alloy", () => assert.equal(values("alloy").alloy.clustering.enabled, true));

        it("names every Alloy port within Kubernetes' 15 characters (the chart uses the name for the container port)", () => {
            for (const p of values("alloy").alloy.extraPorts) assert.match(p.name, /^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/, p.name);
        });

        it("reads object-storage credentials only from the environment, filled from a Secret", () => {
            const loki = values("loki");
            assert.equal(loki.loki.storage.s3.accessKeyId, "${AWS_ACCESS_KEY_ID}");
            assert.equal(loki.defaults.extraArgs, undefined, "the chart already passes -config.expand-env=true");
            assert.deepEqual(loki.defaults.extraEnvFrom, [{ secretRef: { name: "object-storage" } }]);
            const tempo = values("tempo");
            assert.equal(tempo.storage.trace.s3.secret_key, "${AWS_SECRET_ACCESS_KEY}");
            assert.deepEqual(tempo.defaults.extraEnvFrom, [{ secretRef: { name: "object-storage" } }]);
            assert.deepEqual(tempo.defaults.extraArgs, ["-config.expand-env=true"]);
        });
    });

    describe("data safety", () => {
        it("keeps volumes when releases are uninstalled", () => {
            const loki = prodValues("loki");
            for (const t of ["write", "backend"]) {
                assert.equal(loki[t].persistence.enableStatefulSetAutoDeletePVC, false, t);
                assert.equal(loki[t].persistence.whenDeleted, "Retain", t);
            }
            const grafana = prodValues("grafana");
            assert.equal(grafana.persistence.annotations["helm.sh/resource-policy"], "keep");
            assert.deepEqual(grafana.deploymentStrategy, { type: "Recreate" });
        });

        it("gives replicated backends disruption budgets", () => {
            const loki = prodValues("loki");
            for (const t of ["read", "write", "backend"]) assert.deepEqual(loki[t].podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
            const tempo = prodValues("tempo");
            for (const c of ["ingester", "distributor", "querier", "queryFrontend"]) assert.equal(tempo[c].podDisruptionBudget.enabled, true, c);
        });
    });

    describe("scheduling", () => {
        const required = (affinity: string | Values) => (typeof affinity === "string" ? JSON.parse(affinity) : affinity).podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution?.length > 0;

        it("keeps one surging gateway schedulable on a single node, and spreads it where nodes allow", () => {
            assert.equal(required(devValues("loki").gateway.affinity), false);
            assert.equal(required(prodValues("loki").gateway.affinity), true);
        });

        it("softens Tempo's anti-affinity when the nodes cannot hold every replica plus a surge pod", () => {
            const twoNodes = planOf("prod", { cluster: { storageClass: "longhorn", nodes: 2 } });
            const v = valuesIn(twoNodes, "tempo");
            assert.equal(required(v.ingester.affinity), true, "a StatefulSet does not surge: 2 ingesters fit 2 nodes");
            assert.equal(required(v.distributor.affinity), false, "2 distributors and a surge pod do not fit 2 nodes");
            assert.equal(required(prodValues("tempo").distributor.affinity), true);
            const loki = valuesIn(twoNodes, "loki");
            assert.equal(required(loki.write.affinity), true);
        });
    });

    describe("dev specifics", () => {
        it("runs single-binary Loki on the filesystem with one replica and no scalable targets", () => {
            const v = devValues("loki");
            assert.equal(v.deploymentMode, "Monolithic");
            assert.equal(v.singleBinary.replicas, 1);
            assert.deepEqual([v.read.replicas, v.write.replicas, v.backend.replicas], [0, 0, 0]);
            assert.equal(v.loki.storage.type, "filesystem");
            assert.equal(plans.dev.objects.some(o => o.kind === "Secret" && o.metadata.name === "object-storage"), false);
        });
    });
});
