import { Wiring } from "./wiring";

export interface AlloyConfigInput {
    wiring: Wiring;
    clustering: boolean;
}

/**
 * The Alloy configuration: OTLP in, batched, traces to Tempo, logs to Loki, metrics to Prometheus.
 * The chart runs this text through Helm `tpl`, so it must not contain `{{`.
 */
export function alloyConfig(input: AlloyConfigInput): string {
    const w = input.wiring;
    return `logging {
  level  = "info"
  format = "logfmt"
}

otelcol.receiver.otlp "default" {
  grpc {
    endpoint = "0.0.0.0:4317"
  }
  http {
    endpoint = "0.0.0.0:4318"
  }
  output {
    metrics = [otelcol.processor.batch.default.input]
    logs    = [otelcol.processor.batch.default.input]
    traces  = [otelcol.processor.batch.default.input]
  }
}

otelcol.processor.batch "default" {
  output {
    metrics = [otelcol.exporter.prometheus.default.input]
    logs    = [otelcol.exporter.otlphttp.loki.input]
    traces  = [otelcol.exporter.otlp.tempo.input]
  }
}

otelcol.exporter.otlp "tempo" {
  client {
    endpoint = "${w.tempo.otlpGrpc}"
    tls {
      insecure = true
    }
  }
}

otelcol.exporter.otlphttp "loki" {
  client {
    endpoint = "${w.loki.otlpUrl}"
  }
}

otelcol.exporter.prometheus "default" {
  forward_to = [prometheus.remote_write.default.receiver]
}

prometheus.remote_write "default" {
  endpoint {
    url            = "${w.prometheus.remoteWriteUrl}"
    send_exemplars = true
  }
}
`;
}
