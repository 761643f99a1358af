import { Settings } from "../config/settings";
import { Wiring } from "./wiring";

/** The stack outputs application stacks consume (the plain ones); every URL comes from the wiring. */
export function planOutputs(s: Settings, w: Wiring) {
    return {
        namespace: s.namespace,
        /** The node agents' namespace: the Alloy node agent scrapes application pods from there. */
        nodeNamespace: s.nodeNamespace,
        alloyOtlpGrpc: w.alloy.otlpGrpc,
        alloyOtlpHttp: w.alloy.otlpHttp,
        alloyJaegerGrpc: w.alloy.jaegerGrpc,
        alloyJaegerThriftHttp: w.alloy.jaegerThriftHttp,
        alloyJaegerAgent: w.alloy.jaegerAgent,
        alloyZipkinUrl: w.alloy.zipkin,
        alloyMetricsUrl: w.alloy.metricsUrl,
        lokiGatewayUrl: w.loki.gatewayUrl,
        lokiPushUrl: w.loki.pushUrl,
        lokiQueryUrl: w.loki.queryUrl,
        tempoOtlpGrpc: w.tempo.otlpGrpc,
        tempoOtlpHttp: w.tempo.otlpHttp,
        tempoJaegerGrpc: w.tempo.jaegerGrpc,
        tempoJaegerThriftHttp: w.tempo.jaegerThriftHttp,
        tempoJaegerAgent: w.tempo.jaegerAgent,
        tempoZipkinUrl: w.tempo.zipkin,
        tempoQueryUrl: w.tempo.queryUrl,
        prometheusUrl: w.prometheus.url,
        prometheusRemoteWriteUrl: w.prometheus.remoteWriteUrl,
        grafanaUrl: w.grafana.url,
        grafanaAdminUser: s.grafana.adminUser,
        /** Environment for OpenTelemetry SDKs in application pods: send everything to Alloy over OTLP/HTTP. */
        otelEnv: {
            OTEL_EXPORTER_OTLP_ENDPOINT: w.alloy.otlpHttp,
            OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
            OTEL_TRACES_EXPORTER: "otlp",
            OTEL_METRICS_EXPORTER: "otlp",
            OTEL_LOGS_EXPORTER: "otlp",
        },
    };
}

export type PlanOutputs = ReturnType<typeof planOutputs>;
