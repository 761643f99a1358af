import { Settings } from "../../config/settings";
import { alloyConfig } from "../telemetry/alloy-config";
import { aux, k8sResources } from "../sizes";
import { ports, Wiring } from "../wiring";

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

export function alloyValues(s: Settings, w: Wiring) {
    return {
        alloy: {
            configMap: {
                create: true,
                content: alloyConfig({ wiring: w, clustering: s.alloy.clustering, nodes: s.cluster.nodes }),
            },
            clustering: { enabled: s.alloy.clustering },
            enableReporting: false,
            listenPort: ports.alloyHttp,
            // Log file and event positions survive a restart on the node, so nothing is read twice.
            storagePath: alloyStoragePath,
            // Container logs are read from the node.
            mounts: { varlog: true, extra: [{ name: "alloy-data", mountPath: alloyStoragePath }] },
            extraPorts: alloyReceiverPorts.map(p => ({ name: p.name, port: p.port, targetPort: p.port, protocol: p.protocol })),
            resources: k8sResources(s.alloy.resources),
        },
        configReloader: { resources: aux("10m", "50Mi", "64Mi", "100m") },
        // Alloy's own metrics on 12345, scraped once through the operator (the CRDs come with a managed Prometheus).
        serviceMonitor: { enabled: s.prometheus.mode === "managed" },
        // One Alloy per node: node-local log files, and a receiver on every node.
        controller: {
            type: "daemonset",
            // Every node, tainted ones included: a node without Alloy would have its pods neither scraped nor logged.
            tolerations: [{ operator: "Exists" }],
            volumes: {
                extra: [{ name: "alloy-data", hostPath: { path: `/var/lib/alloy-${s.namespace}`, type: "DirectoryOrCreate" } }],
            },
        },
    };
}
