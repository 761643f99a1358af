import { Settings } from "../../config/settings";
import { alloyConfig } from "../telemetry/alloy-config";
import { lockedDownContainer, runtimeDefaultSeccomp } from "../security";
import { aux, k8sResources } from "../sizes";
import { ports, releaseNames, Wiring } from "../wiring";

/** Every receiver Alloy listens on, exposed on its Service with the right protocol (names: at most 15 characters). */
export const alloyReceiverPorts = [
    { name: "otlp-grpc", port: ports.otlpGrpc, protocol: "TCP" },
    { name: "otlp-http", port: ports.otlpHttp, protocol: "TCP" },
    { name: "jaeger-grpc", port: ports.jaegerGrpc, protocol: "TCP" },
    { name: "jaeger-http", port: ports.jaegerThriftHttp, protocol: "TCP" },
    { name: "jaeger-compact", port: ports.jaegerThriftCompact, protocol: "UDP" },
    { name: "zipkin", port: ports.zipkin, protocol: "TCP" },
] as const;

/** Where Alloy keeps its WAL and read positions, inside the container. */
export const alloyStoragePath = "/var/lib/alloy/data";

/** The `alloy` user of the Alloy image (grafana/alloy Dockerfile). */
export const alloyUser = 473;

/** The node agent's storage on the node: the path of the single-namespace install, so read positions carry over. */
export const alloyNodeHostPath = (s: Settings) => `/var/lib/alloy-${s.namespace}`;

const common = (s: Settings) => ({
    enableReporting: false,
    listenPort: ports.alloyHttp,
    storagePath: alloyStoragePath,
    resources: k8sResources(s.alloy.resources),
});

/**
 * The receiving Alloy: a Deployment in the main namespace (clustered with several replicas) behind the
 * `alloy` Service the applications send OTLP, Jaeger and Zipkin to; it also collects the Kubernetes events.
 * It needs nothing from the host, so it runs as Alloy's own user under Pod Security `restricted`.
 */
export function alloyValues(s: Settings, w: Wiring) {
    return {
        alloy: {
            ...common(s),
            configMap: {
                create: true,
                content: alloyConfig({ wiring: w, clustering: s.alloy.clustering, replicas: s.alloy.replicas, role: "receiver" }),
            },
            clustering: { enabled: s.alloy.clustering },
            // WAL and the events' position on an emptyDir: the root filesystem stays read-only.
            mounts: { varlog: false, extra: [{ name: "storage", mountPath: alloyStoragePath }] },
            extraPorts: alloyReceiverPorts.map(p => ({ name: p.name, port: p.port, targetPort: p.port, protocol: p.protocol })),
            securityContext: { runAsNonRoot: true, runAsUser: alloyUser, runAsGroup: alloyUser, ...lockedDownContainer },
        },
        global: { podSecurityContext: { runAsNonRoot: true, runAsUser: alloyUser, runAsGroup: alloyUser, fsGroup: alloyUser, ...runtimeDefaultSeccomp } },
        configReloader: { resources: aux("10m", "50Mi", "64Mi", "100m") },
        // Alloy's own metrics on 12345, scraped once through the operator (the CRDs come with a managed Prometheus).
        serviceMonitor: { enabled: s.prometheus.mode === "managed" },
        controller: {
            type: "deployment",
            replicas: s.alloy.replicas,
            volumes: { extra: [{ name: "storage", emptyDir: {} }] },
            // The applications' endpoint: replicas on different nodes where possible, one kept through a drain.
            ...(s.alloy.replicas > 1
                ? {
                    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
                    affinity: {
                        podAntiAffinity: {
                            preferredDuringSchedulingIgnoredDuringExecution: [{
                                weight: 100,
                                podAffinityTerm: {
                                    labelSelector: { matchLabels: { "app.kubernetes.io/name": "alloy", "app.kubernetes.io/instance": releaseNames.alloy } },
                                    topologyKey: "kubernetes.io/hostname",
                                },
                            }],
                        },
                    },
                }
                : {}),
        },
    };
}

/**
 * The node agent: a DaemonSet in the node namespace that tails the container logs under /var/log/pods and
 * scrapes the pods of its own node. Container log files belong to root (mode 0640), so it runs as uid 0,
 * but with no capabilities, no privilege escalation, the runtime's seccomp profile and a read-only root.
 */
export function alloyNodeValues(s: Settings, w: Wiring) {
    return {
        alloy: {
            ...common(s),
            configMap: {
                create: true,
                content: alloyConfig({ wiring: w, clustering: false, replicas: s.alloy.replicas, role: "node" }),
            },
            // Node-local discovery: every pod is scraped and tailed by the one agent on its node.
            clustering: { enabled: false },
            // Container logs are read from the node; positions and WAL survive a restart on the node.
            mounts: { varlog: true, extra: [{ name: "alloy-data", mountPath: alloyStoragePath }] },
            securityContext: { runAsUser: 0, ...lockedDownContainer },
        },
        global: { podSecurityContext: { ...runtimeDefaultSeccomp } },
        // The PodLogs CRD comes with the `alloy` release.
        crds: { create: false },
        configReloader: { resources: aux("10m", "50Mi", "64Mi", "100m") },
        serviceMonitor: { enabled: s.prometheus.mode === "managed" },
        controller: {
            type: "daemonset",
            // Every node, tainted ones included: a node without Alloy would have its pods neither scraped nor logged.
            tolerations: [{ operator: "Exists" }],
            volumes: {
                extra: [{ name: "alloy-data", hostPath: { path: alloyNodeHostPath(s), type: "DirectoryOrCreate" } }],
            },
        },
    };
}
