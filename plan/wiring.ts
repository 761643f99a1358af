import { Settings } from "../config/settings";

// Names, ports and URLs of every service, computed once from the release names, the namespace and the
// cluster domain. Alloy, Grafana, Tempo's metrics generator and the stack outputs all read from here.

export const releaseNames = {
    crds: "prometheus-operator-crds",
    prometheus: "kube-prometheus-stack",
    loki: "loki",
    tempo: "tempo",
    alloy: "alloy",
    /** The Alloy DaemonSet in the node namespace: container logs and node-local pod metrics. */
    alloyNode: "alloy-node",
    grafana: "grafana",
} as const;

export const ports = {
    otlpGrpc: 4317,
    otlpHttp: 4318,
    jaegerGrpc: 14250,
    jaegerThriftHttp: 14268,
    jaegerThriftCompact: 6831,
    zipkin: 9411,
    alloyHttp: 12345,
    tempoHttp: 3200,
    prometheus: 9090,
    alertmanager: 9093,
    lokiGateway: 80,
    grafana: 80,
} as const;

export const datasourceUids = { prometheus: "prometheus", loki: "loki", tempo: "tempo" } as const;

/** Secrets the program creates for the charts to reference. */
export const secretNames = { grafanaAdmin: "grafana-admin", objectStorage: "object-storage", grafanaSso: "grafana-sso" } as const;

/** The trace and telemetry receivers a Service offers (Alloy, and Tempo's ingest Service). */
export interface Receivers {
    otlpGrpc: string;
    otlpHttp: string;
    jaegerGrpc: string;
    jaegerThriftHttp: string;
    jaegerAgent: string;
    zipkin: string;
}

export interface Wiring {
    namespace: string;
    /** Namespace of the node agents (node-exporter, the Alloy DaemonSet). */
    nodeNamespace: string;
    prometheus: { url: string; remoteWriteUrl: string };
    /** The stack's own Alertmanager, when it runs one. */
    alertmanager?: { url: string };
    loki: { gatewayUrl: string; pushUrl: string; queryUrl: string; otlpUrl: string };
    tempo: Receivers & { queryUrl: string };
    alloy: Receivers & { metricsUrl: string };
    grafana: { url: string };
}

export function wiring(s: Settings): Wiring {
    const host = (service: string) => `${service}.${s.namespace}.svc.${s.cluster.domain}`;
    const http = (service: string, port: number) => `http://${host(service)}:${port}`;
    const receivers = (service: string): Receivers => ({
        otlpGrpc: `${host(service)}:${ports.otlpGrpc}`,
        otlpHttp: http(service, ports.otlpHttp),
        jaegerGrpc: `${host(service)}:${ports.jaegerGrpc}`,
        jaegerThriftHttp: `${http(service, ports.jaegerThriftHttp)}/api/traces`,
        jaegerAgent: `${host(service)}:${ports.jaegerThriftCompact}`,
        zipkin: `${http(service, ports.zipkin)}/api/v2/spans`,
    });

    // kube-prometheus-stack truncates its fullname to 26 characters; the release sets fullnameOverride to this.
    const promUrl = s.prometheus.mode === "managed" ? http(`${releaseNames.prometheus}-prometheus`, ports.prometheus) : s.prometheus.url!;
    const promWrite = s.prometheus.mode === "managed" ? `${promUrl}/api/v1/write` : s.prometheus.remoteWriteUrl!;

    const gateway = http(`${releaseNames.loki}-gateway`, ports.lokiGateway);

    // Monolithic Tempo serves receivers and queries on one Service; distributed splits them.
    const distributed = s.tempo.mode === "distributed";
    const ingest = distributed ? `${releaseNames.tempo}-distributor` : releaseNames.tempo;
    const query = distributed ? `${releaseNames.tempo}-query-frontend` : releaseNames.tempo;

    const grafanaInternal = http(releaseNames.grafana, ports.grafana);
    const ingress = s.grafana.ingress;

    return {
        namespace: s.namespace,
        nodeNamespace: s.nodeNamespace,
        prometheus: { url: promUrl, remoteWriteUrl: promWrite },
        ...(s.prometheus.mode === "managed" && s.prometheus.alertmanager.enabled
            ? { alertmanager: { url: http(`${releaseNames.prometheus}-alertmanager`, ports.alertmanager) } }
            : {}),
        loki: {
            gatewayUrl: gateway,
            pushUrl: `${gateway}/loki/api/v1/push`,
            queryUrl: `${gateway}/loki/api/v1/query`,
            otlpUrl: `${gateway}/otlp`,
        },
        tempo: { ...receivers(ingest), queryUrl: http(query, ports.tempoHttp) },
        alloy: { ...receivers(releaseNames.alloy), metricsUrl: `${http(releaseNames.alloy, ports.alloyHttp)}/metrics` },
        grafana: { url: ingress ? `${ingress.clusterIssuer ? "https" : "http"}://${ingress.hostname}` : grafanaInternal },
    };
}
