import { Settings } from "../../config/settings";
import { aux, hardAntiAffinity, k8sResources } from "../sizes";
import { lockedDownContainer, runtimeDefaultSeccomp } from "../security";
import { objectStorageChecksum } from "../types";
import { ports, releaseNames, secretNames, Wiring } from "../wiring";

const generatorProcessors = ["service-graphs", "span-metrics"] as const;

/** Metrics generator: service graphs and span metrics written to Prometheus with exemplars. */
function remoteWrite(w: Wiring) {
    return [{ url: w.prometheus.remoteWriteUrl, send_exemplars: true }];
}

// `overrides`, not the README's `global_overrides`, which Tempo silently ignores.
const overrides = { defaults: { metrics_generator: { processors: [...generatorProcessors] } } };

/** Monolithic Tempo (`tempo` chart): one StatefulSet on a persistent volume. */
export function tempoMonolithicValues(s: Settings, w: Wiring) {
    const t = s.tempo;
    return {
        replicas: 1,
        // The chart's `securityContext` is the pod's (runAsUser 10001, fsGroup by default); Tempo writes only
        // to its volume and the generator's /tmp emptyDir. No Role is bound to its ServiceAccount.
        securityContext: { ...runtimeDefaultSeccomp },
        serviceAccount: { automountServiceAccountToken: false },
        tempo: {
            securityContext: { ...lockedDownContainer },
            reportingEnabled: false,
            retention: t.retention,
            resources: k8sResources(t.resources),
            receivers: {
                jaeger: {
                    protocols: {
                        grpc: { endpoint: `0.0.0.0:${ports.jaegerGrpc}` },
                        thrift_http: { endpoint: `0.0.0.0:${ports.jaegerThriftHttp}` },
                        thrift_compact: { endpoint: `0.0.0.0:${ports.jaegerThriftCompact}` },
                    },
                },
                otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${ports.otlpGrpc}` }, http: { endpoint: `0.0.0.0:${ports.otlpHttp}` } } },
                zipkin: { endpoint: `0.0.0.0:${ports.zipkin}` },
            },
            metricsGenerator: {
                enabled: true,
                remoteWriteUrl: w.prometheus.remoteWriteUrl,
                storage: { path: "/var/tempo/generator/wal", remote_write: remoteWrite(w) },
                traces_storage: { path: "/var/tempo/generator/traces" },
            },
            overrides,
        },
        serviceMonitor: { enabled: s.prometheus.mode === "managed" },
        persistence: {
            enabled: true,
            size: t.persistenceSize,
            ...(s.cluster.storageClass ? { storageClassName: s.cluster.storageClass } : {}),
        },
    };
}

/**
 * tempo-distributed affinity is a string run through tpl: hard anti-affinity while the nodes suffice (for the
 * Deployments, also for the surge pod of a rolling update), else preferred.
 */
export function tempoAntiAffinity(component: string, replicas: number, nodes: number, surges: boolean): string {
    const term = {
        labelSelector: { matchLabels: { "app.kubernetes.io/name": "tempo", "app.kubernetes.io/instance": releaseNames.tempo, "app.kubernetes.io/component": component } },
        topologyKey: "kubernetes.io/hostname",
    };
    const podAntiAffinity = hardAntiAffinity(replicas, nodes, surges)
        ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] };
    return JSON.stringify({ podAntiAffinity });
}

/** Distributed Tempo (`tempo-distributed` 2.x): ingesters with a WAL on disk, blocks in S3. */
export function tempoDistributedValues(s: Settings, w: Wiring) {
    const t = s.tempo;
    const os = s.objectStorage!;
    const resources = k8sResources(t.resources);
    const storageClass = s.cluster.storageClass ?? null;
    const component = (name: string, replicas: number) => ({
        replicas,
        resources,
        // The ingester is a StatefulSet; the other components are Deployments that surge.
        affinity: tempoAntiAffinity(name, replicas, s.cluster.nodes, name !== "ingester"),
        podDisruptionBudget: { enabled: true },
    });
    return {
        reportingEnabled: false,
        global: { clusterDomain: s.cluster.domain },
        // Every component and memcached take this pod context (the chart's default fsGroup kept); the
        // containers are already non-root, read-only, without capabilities. A component-level
        // podSecurityContext would replace it whole.
        tempo: { podSecurityContext: { fsGroup: 1000, ...runtimeDefaultSeccomp } },
        // -config.expand-env lets the storage config refer to the credentials in the object-storage Secret.
        defaults: {
            extraArgs: ["-config.expand-env=true"],
            extraEnvFrom: [{ secretRef: { name: secretNames.objectStorage } }],
            // Read once, at start: the Secret's checksum rolls the pods when the credentials change.
            podAnnotations: objectStorageChecksum,
        },
        ingester: {
            ...component("ingester", t.replicas.ingester),
            config: { replication_factor: t.replicationFactor },
            persistence: { enabled: true, size: t.persistenceSize, storageClass },
        },
        distributor: component("distributor", t.replicas.distributor),
        querier: component("querier", t.replicas.querier),
        queryFrontend: component("query-frontend", t.replicas.queryFrontend),
        compactor: {
            ...component("compactor", t.replicas.compactor),
            config: { compaction: { block_retention: t.retention } },
        },
        metricsGenerator: {
            ...component("metrics-generator", 1),
            enabled: true,
            config: { storage: { remote_write: remoteWrite(w) } },
        },
        traces: {
            otlp: { grpc: { enabled: true }, http: { enabled: true } },
            jaeger: { grpc: { enabled: true }, thriftHttp: { enabled: true }, thriftCompact: { enabled: true } },
            zipkin: { enabled: true },
        },
        storage: {
            trace: {
                backend: "s3",
                s3: {
                    bucket: os.buckets.tempo,
                    endpoint: os.endpoint,
                    region: os.region,
                    insecure: os.insecure,
                    forcepathstyle: os.pathStyle,
                    access_key: "${AWS_ACCESS_KEY_ID}",
                    secret_key: "${AWS_SECRET_ACCESS_KEY}",
                },
            },
        },
        overrides,
        metaMonitoring: { serviceMonitor: { enabled: s.prometheus.mode === "managed" } },
        memcached: { resources: aux("50m", "96Mi", "256Mi", "500m") },
    };
}
