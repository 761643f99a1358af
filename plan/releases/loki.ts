import { Settings } from "../../config/settings";
import { aux, hardAntiAffinity, k8sResources } from "../sizes";
import { objectStorageChecksum } from "../types";
import { secretNames } from "../wiring";

/** Credentials reach Loki as environment variables from the object-storage Secret; the config refers to them. */
export const s3EnvRefs = { accessKeyId: "${AWS_ACCESS_KEY_ID}", secretAccessKey: "${AWS_SECRET_ACCESS_KEY}" } as const;

/**
 * Pod anti-affinity for a replicated target: hard (one pod per node) while the nodes suffice, otherwise
 * preferred, so that every pod still schedules. Lists replace the chart's hard default whole.
 */
export function lokiAntiAffinity(component: string, replicas: number, nodes: number, surges = false) {
    const term = {
        labelSelector: {
            matchLabels: {
                "app.kubernetes.io/component": component,
                "app.kubernetes.io/name": '{{ include "loki.name" . }}',
                "app.kubernetes.io/instance": "{{ .Release.Name }}",
            },
        },
        topologyKey: "kubernetes.io/hostname",
    };
    const hard = hardAntiAffinity(replicas, nodes, surges);
    return {
        podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: hard ? [term] : [],
            preferredDuringSchedulingIgnoredDuringExecution: hard ? [] : [{ weight: 100, podAffinityTerm: term }],
        },
    };
}

/** memcached sizing: the chart requests allocatedMemory x 1.2 unless told otherwise; we state it. */
function cache(mb: number) {
    if (mb === 0) return { enabled: false };
    const memory = `${Math.ceil(mb * 1.2)}Mi`;
    return {
        enabled: true,
        replicas: 1,
        allocatedMemory: mb,
        allocatedCPU: "50m",
        resources: { requests: { cpu: "50m", memory }, limits: { cpu: "500m", memory } },
    };
}

/** Volumes outlive an uninstall (the backend's chart default deletes them with the StatefulSet). */
const keepVolumes = { enableStatefulSetAutoDeletePVC: false, whenDeleted: "Retain", whenScaled: "Retain" };

function selfMonitoring(s: Settings) {
    const on = s.prometheus.mode === "managed";
    return { serviceMonitor: { enabled: on }, dashboards: { enabled: on }, rules: { enabled: on }, alerts: { enabled: false } };
}

export function lokiValues(s: Settings) {
    const l = s.loki;
    const scalable = l.mode === "SimpleScalable";
    const os = s.objectStorage;
    const store = scalable ? "s3" : "filesystem";
    const storageClass = s.cluster.storageClass ?? null;
    const resources = k8sResources(l.resources);

    const storage = scalable && os
        ? {
            type: "s3",
            bucketNames: { chunks: os.buckets.lokiChunks, ruler: os.buckets.lokiRuler },
            s3: {
                endpoint: os.endpoint,
                region: os.region,
                s3ForcePathStyle: os.pathStyle,
                insecure: os.insecure,
                ...s3EnvRefs,
            },
        }
        : { type: "filesystem" };

    const target = (component: string, replicas: number) => ({
        replicas,
        resources,
        affinity: lokiAntiAffinity(component, replicas, s.cluster.nodes),
        podDisruptionBudget: { enabled: replicas > 1, maxUnavailable: 1 },
    });

    return {
        deploymentMode: scalable ? "SimpleScalable" : "Monolithic",
        // The gateway's nginx resolver and the chart's URLs use the cluster domain.
        global: { clusterDomain: s.cluster.domain },
        loki: {
            // Single tenant: Alloy and Grafana need no X-Scope-OrgID header.
            auth_enabled: false,
            commonConfig: { replication_factor: l.replicationFactor },
            schemaConfig: {
                configs: [{ from: "2024-04-01", store: "tsdb", object_store: store, schema: "v13", index: { prefix: "loki_index_", period: "24h" } }],
            },
            storage,
            limits_config: { retention_period: l.retention },
            // retention_period deletes nothing unless the compactor applies it.
            compactor: { retention_enabled: true, delete_request_store: store },
        },
        // The chart already runs Loki with -config.expand-env=true; the config refers to these variables.
        // defaults.extraEnvFrom reaches the Loki containers only (global.extraEnvFrom would reach memcached too).
        // The pods read the Secret once, at start: its checksum rolls them when the credentials change.
        defaults: scalable
            ? { extraEnvFrom: [{ secretRef: { name: secretNames.objectStorage } }], podAnnotations: objectStorageChecksum }
            : {},
        singleBinary: {
            replicas: l.replicas.singleBinary,
            resources,
            persistence: { enabled: true, size: l.persistenceSize, storageClass, ...keepVolumes },
        },
        write: {
            ...target("write", l.replicas.write),
            persistence: { volumeClaimsEnabled: true, size: l.persistenceSize, storageClass, ...keepVolumes },
        },
        read: target("read", l.replicas.read),
        backend: {
            ...target("backend", l.replicas.backend),
            persistence: { volumeClaimsEnabled: true, size: l.persistenceSize, storageClass, ...keepVolumes },
        },
        gateway: {
            replicas: 1,
            // A Deployment that surges: with one node, the chart's hard anti-affinity would block every update.
            affinity: lokiAntiAffinity("gateway", 1, s.cluster.nodes, true),
            resources: aux("20m", "32Mi", "128Mi"),
            metrics: { resources: aux("10m", "16Mi", "64Mi") },
        },
        chunksCache: cache(l.chunksCacheMb),
        resultsCache: cache(l.resultsCacheMb),
        memcachedExporter: { resources: aux("10m", "16Mi", "64Mi") },
        sidecar: { resources: aux("10m", "64Mi", "128Mi") },
        // The helm test pod has no resources key and runs a "latest" image: it stays off. The canary may run without it.
        test: { enabled: false },
        lokiCanary: { enabled: l.canary, resources: aux("10m", "32Mi", "64Mi") },
        // ServiceMonitors need the Prometheus Operator CRDs, which only a managed Prometheus brings. The mixin's
        // dashboards and recording rules come along; the stack's own alert rules replace the mixin's alerts.
        monitoring: selfMonitoring(s),
    };
}
