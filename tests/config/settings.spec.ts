import { strict as assert } from "assert";
import { defaultVersions } from "../../charts/table";
import { parseSettings, RawConfig } from "../../config/settings";
import { editDistance } from "../../config/reader";

const parse = (raw: RawConfig) => parseSettings(raw, defaultVersions);
const refused = (raw: RawConfig): string => {
    try {
        parse(raw);
    } catch (e) {
        assert.equal((e as Error).name, "ConfigError");
        return (e as Error).message;
    }
    throw new Error(`accepted ${JSON.stringify(raw)}`);
};

const objectStorage = {
    endpoint: "minio.storage.svc:9000",
    buckets: { lokiChunks: "loki-chunks", lokiRuler: "loki-ruler", tempo: "tempo-traces" },
};

describe("settings", () => {
    it("fills dev-sized defaults from an empty configuration", () => {
        const s = parse({});
        assert.equal(s.namespace, "monitoring-stack");
        assert.equal(s.cluster.domain, "cluster.local");
        assert.equal(s.cluster.nodes, 1);
        assert.equal(s.loki.mode, "SingleBinary");
        assert.deepEqual(s.loki.replicas, { singleBinary: 1, read: 0, write: 0, backend: 0 });
        assert.equal(s.loki.replicationFactor, 1);
        assert.equal(s.tempo.mode, "monolithic");
        assert.equal(s.prometheus.mode, "managed");
        assert.equal(s.prometheus.retention, "7d");
        assert.equal(s.charts.loki, "18.11.0");
        assert.equal(s.charts["tempo-distributed"], "2.26.2");
        assert.equal(s.objectStorage, undefined);
        assert.equal(s.grafana.ingress, undefined);
    });

    it("defaults SimpleScalable to 2 read / 2 write / 2 backend with a replication factor they can hold", () => {
        const s = parse({ objectStorage, loki: { mode: "SimpleScalable" } });
        assert.deepEqual(s.loki.replicas, { singleBinary: 0, read: 2, write: 2, backend: 2 });
        assert.equal(s.loki.replicationFactor, 1);
        assert.equal(parse({ objectStorage, loki: { mode: "SimpleScalable", replicas: { write: 3 } } }).loki.replicationFactor, 3);
    });

    it("accepts days for Loki's retention, as Loki does", () => assert.equal(parse({ loki: { retention: "31d" } }).loki.retention, "31d"));

    it("overrides one chart version per stack", () => {
        const s = parse({ charts: { loki: "18.12.0" } });
        assert.equal(s.charts.loki, "18.12.0");
        assert.equal(s.charts.grafana, defaultVersions.grafana);
    });

    it("derives an external Prometheus's remote-write URL from its URL", () => {
        const s = parse({ prometheus: { mode: "external", url: "http://prom.obs.svc:9090/" } });
        assert.equal(s.prometheus.remoteWriteUrl, "http://prom.obs.svc:9090/api/v1/write");
    });

    const cases: [string, RawConfig, string][] = [
        ["a malformed Go duration", { loki: { retention: "31 days" } }, 'loki.retention must be a duration like "744h", got "31 days"'],
        ["a fractional Loki duration (Loki parses a Prometheus duration)", { loki: { retention: "1.5h" } }, 'loki.retention must be a duration like "744h", got "1.5h"'],
        ["days for Tempo (Go durations have none)", { tempo: { retention: "30d" } }, 'tempo.retention must be a duration like "720h", got "30d"'],
        ["a malformed Prometheus duration", { prometheus: { retention: "30 days" } }, 'prometheus.retention must be a duration like "30d", got "30 days"'],
        ["an unknown mode", { loki: { mode: "Distributed" } }, 'loki.mode must be one of "SingleBinary", "SimpleScalable", got "Distributed"'],
        ["a near-miss mode", { tempo: { mode: "distributd" } }, '(did you mean "distributed"?)'],
        ["a wrong type", { cluster: { nodes: "three" } }, 'cluster.nodes must be an integer from 1 to 1000, got "three"'],
        ["an out-of-range number", { loki: { chunksCacheMb: -1 } }, "loki.chunksCacheMb must be an integer from 0 to 65536, got -1"],
        ["an empty string", { cluster: { storageClass: "" } }, 'cluster.storageClass must be a StorageClass name like "longhorn", got ""'],
        ["a bad namespace", { namespace: "Monitoring_Stack" }, 'namespace must be a Kubernetes namespace name'],
        ["a floating chart version", { charts: { grafana: "^12.0.0" } }, 'charts.grafana must be an exact chart version like "1.2.3", got "^12.0.0"'],
        ["an unknown chart", { charts: { mimir: "1.0.0" } }, "charts.mimir is not a known setting"],
        ["a typo in a key", { loki: { retension: "744h" } }, 'loki.retension is not a known setting (did you mean "loki.retention"?)'],
        ["a typo in a top-level key", { lokki: { retention: "1h" } }, 'lokki is not a known setting (did you mean "loki"?)'],
        ["an unknown top-level key", { colour: "blue" }, "colour is not a known setting; known keys: namespace, nodeNamespace, protect"],
        ["a bad memory quantity", { grafana: { resources: { limits: { memory: "1 GB" } } } }, 'grafana.resources.limits.memory must be a memory quantity like "512Mi" or "2Gi", got "1 GB"'],
        ["requests above limits", { alloy: { resources: { requests: { memory: "2Gi" }, limits: { memory: "1Gi" } } } }, "alloy.resources.requests.memory (2Gi) must not exceed alloy.resources.limits.memory (1Gi)"],
        ["SimpleScalable without object storage", { loki: { mode: "SimpleScalable" } }, 'loki.mode "SimpleScalable" needs object storage'],
        ["distributed Tempo without object storage", { tempo: { mode: "distributed" } }, 'tempo.mode "distributed" needs object storage'],
        ["a replication factor above the write replicas", { objectStorage, loki: { mode: "SimpleScalable", replicationFactor: 3 } }, "loki.replicationFactor (3) must not exceed the write replicas (2)"],
        ["a replication factor above the ingesters", { objectStorage, tempo: { mode: "distributed", replicationFactor: 3, replicas: { ingester: 2 } } }, "tempo.replicationFactor (3) must not exceed the ingester replicas (2)"],
        ["replicas for single-binary Loki", { loki: { replicas: { write: 2 } } }, 'loki.replicas applies only to loki.mode "SimpleScalable"'],
        ["a missing bucket", { objectStorage: { endpoint: "s3:9000", buckets: { lokiChunks: "a-b", lokiRuler: "c-d" } } }, "objectStorage.buckets.tempo is required"],
        ["a missing endpoint", { objectStorage: { buckets: objectStorage.buckets } }, "objectStorage.endpoint is required"],
        ["an endpoint with a scheme", { objectStorage: { ...objectStorage, endpoint: "https://s3.example.com" } }, 'objectStorage.endpoint must be a host[:port] without scheme'],
        ["the same bucket twice", { objectStorage: { ...objectStorage, buckets: { lokiChunks: "x-y", lokiRuler: "x-y", tempo: "t-t" } } }, "objectStorage.buckets must name three different buckets"],
        ["an external Prometheus without URL", { prometheus: { mode: "external" } }, 'prometheus.url is required when prometheus.mode is "external"'],
        ["URLs for a managed Prometheus", { prometheus: { url: "http://x:9090" } }, "prometheus.url and remoteWriteUrl apply only to prometheus.mode \"external\""],
        ["a bad URL", { prometheus: { mode: "external", url: "prom:9090" } }, 'prometheus.url must be an http(s) URL'],
        ["an ingress without hostname", { grafana: { ingress: { className: "traefik" } } }, "grafana.ingress.hostname is required"],
        ["a structured setting that is not an object", { loki: "SimpleScalable" }, 'loki must be an object, got "SimpleScalable"'],
        ["several nodes without Alloy clustering", { cluster: { nodes: 3 }, alloy: { clustering: false } }, "alloy.clustering must be true when alloy.replicas is 2"],
        ["receiving replicas without Alloy clustering", { alloy: { replicas: 3, clustering: false } }, "alloy.clustering must be true when alloy.replicas is 3"],
        ["the node namespace equal to the main one", { namespace: "obs", nodeNamespace: "obs" }, 'nodeNamespace must differ from namespace ("obs")'],
        ["a namespace too long to add -node to", { namespace: "a".repeat(60) }, "nodeNamespace must be a Kubernetes namespace name"],
        ["a boolean given as a string", { alloy: { clustering: "yes" } }, 'alloy.clustering must be true or false, got "yes"'],
    ];
    for (const [what, raw, message] of cases) {
        it(`refuses ${what}`, () => assert.ok(refused(raw).includes(message), `expected "${message}" in:\n${refused(raw)}`));
    }

    it("reports every problem at once", () => {
        const message = refused({ loki: { retention: "forever", mode: "x" }, cluster: { nodes: 0 } });
        assert.match(message, /loki\.retention/);
        assert.match(message, /loki\.mode/);
        assert.match(message, /cluster\.nodes/);
    });

    it("measures edit distance for suggestions", () => {
        assert.equal(editDistance("retension", "retention"), 1);
        assert.equal(editDistance("Loki", "loki"), 0);
    });
});
