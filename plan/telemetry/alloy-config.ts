import { traceIdFields, traceIdHex } from "../correlation";
import { ports, Wiring } from "../wiring";

export interface AlloyConfigInput {
    wiring: Wiring;
    /**
     * `receiver`: the Deployment in the main namespace behind the `alloy` Service (OTLP, Jaeger and Zipkin
     * receivers, Kubernetes events); `node`: the DaemonSet in the node namespace (container log files and
     * node-local pod metrics, the only work that needs the host).
     */
    role: "receiver" | "node";
    /** The receiving Alloy's pods form a cluster (the chart's `alloy.clustering.enabled`); the node agent never clusters. */
    clustering: boolean;
    /** Replicas of the receiving Alloy's Deployment. */
    replicas: number;
}

/** Kubernetes events are collected by the receiver only, and only where exactly one of its pods will read them (see `kubernetesEvents`). */
const collectsEvents = (input: AlloyConfigInput) => input.role === "receiver" && (input.clustering || input.replicas === 1);

const listen = (port: number) => `"0.0.0.0:${port}"`;

// The node agent runs as a DaemonSet, so everything read from a node is read by the one Alloy pod on that node:
// pod discovery is restricted to this node (HOSTNAME is the node name: the chart sets it from
// spec.nodeName). Every pod is therefore scraped and tailed by exactly one Alloy, with or without
// clustering; `prometheus.scrape` must not use clustering here, because it would split the node-local
// target list between peers that each see a different one, and drop targets.
function podDiscovery(): string {
    return `discovery.kubernetes "pods" {
  role = "pod"
  selectors {
    role  = "pod"
    field = "spec.nodeName=" + coalesce(sys.env("HOSTNAME"), constants.hostname)
  }
}`;
}

/** The namespace and pod labels that metrics and logs of a pod share. */
const podIdentity = `  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }`;

// Pods annotated prometheus.io/scrape: "true", honouring prometheus.io/port, /path and /scheme. Targets of
// one pod's container ports collapse to one after the address rewrite: the scrape pool drops duplicates.
function podMetrics(): string {
    return `discovery.relabel "pod_metrics" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"]
    regex         = "true"
    action        = "keep"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_phase"]
    regex         = "Pending|Succeeded|Failed|Completed"
    action        = "drop"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_annotation_prometheus_io_scheme"]
    regex         = "(https?)"
    target_label  = "__scheme__"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_annotation_prometheus_io_path"]
    regex         = "(.+)"
    target_label  = "__metrics_path__"
  }
  rule {
    source_labels = ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"]
    regex         = "(.+?)(?::[0-9]+)?;([0-9]+)"
    replacement   = "$1:$2"
    target_label  = "__address__"
  }
${podIdentity}
}

prometheus.scrape "pods" {
  job_name   = "kubernetes-pods"
  targets    = discovery.relabel.pod_metrics.output
  forward_to = [prometheus.remote_write.default.receiver]
}`;
}

function remoteWrite(w: Wiring): string {
    return `prometheus.remote_write "default" {
  endpoint {
    url                    = "${w.prometheus.remoteWriteUrl}"
    send_exemplars         = true
    // OTLP exponential histograms become native histograms (as may scraped ones), which are
    // dropped unless sent; Prometheus 3.14 ingests them without a feature flag.
    send_native_histograms = true
  }
}`;
}

// stdout/stderr of every container on this node, from the kubelet's files under /var/log/pods.
// `job` is namespace/app, the label the "Logs / App" dashboard selects on.
function podLogs(): string {
    return `discovery.relabel "pod_logs" {
  targets = discovery.kubernetes.pods.targets
${podIdentity}
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name", "__meta_kubernetes_pod_label_app", "__meta_kubernetes_pod_container_name"]
    regex         = ";*([^;]+)(;.*)?"
    target_label  = "app"
  }
  // The OpenTelemetry service.name of a Kubernetes workload (app.kubernetes.io/name, else app, else the
  // container), so that one traces-to-logs query finds pod logs and OTLP logs alike.
  rule {
    source_labels = ["app"]
    target_label  = "service_name"
  }
  rule {
    source_labels = ["namespace", "app"]
    separator     = "/"
    target_label  = "job"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]
    separator     = "/"
    replacement   = "/var/log/pods/*$1/*.log"
    target_label  = "__path__"
  }
  // Static pods log under their config hash, not their mirror pod's uid.
  rule {
    source_labels = ["__meta_kubernetes_pod_annotation_kubernetes_io_config_mirror", "__meta_kubernetes_pod_container_name"]
    separator     = "/"
    regex         = "(.+)/(.+)"
    replacement   = "/var/log/pods/*$1/$2/*.log"
    target_label  = "__path__"
  }
}

loki.source.file "pods" {
  targets    = discovery.relabel.pod_logs.output
  forward_to = [loki.process.pods.receiver]
  file_match {
    enabled = true
  }
}

// Trace ids go to structured metadata: as labels they would create a stream per trace. Any of the usual
// spellings is lifted, and kept only when it is a 16- or 32-hex id ("null" or "" links to nothing).
loki.process "pods" {
  forward_to = [loki.write.default.receiver]
  stage.cri {}
  stage.json {
    expressions = {
      level        = "level",
      trace_id_raw = "${traceIdFields.join(" || ")}",
    }
  }
  stage.regex {
    source     = "trace_id_raw"
    expression = "^(?P<trace_id>${traceIdHex})$"
  }
  stage.labels {
    values = { level = "" }
  }
  stage.structured_metadata {
    values = { trace_id = "" }
  }
  stage.label_drop {
    values = ["filename"]
  }
}`;
}

function lokiWrite(w: Wiring): string {
    return `loki.write "default" {
  endpoint {
    url = "${w.loki.pushUrl}"
  }
}`;
}

// Events come from the API server, not from a node: the node agent leaves them to the receiver, where
// every replica would read all of them. With clustering, the one "all namespaces" target is owned by a
// single peer (a peer taking it over during a rollout may re-send events still within their one-hour
// TTL, grafana/alloy#3717); without clustering, only a single replica collects them.
function kubernetesEvents(): string {
    return `loki.source.kubernetes_events "cluster" {
  job_name   = "integrations/kubernetes/eventhandler"
  forward_to = [loki.write.default.receiver]
  clustering {
    enabled = true
  }
}`;
}

// OTLP, Jaeger and Zipkin in; memory limiter, Kubernetes attributes and batching; traces to Tempo,
// metrics to Prometheus, logs to Loki's OTLP endpoint.
function otel(w: Wiring): string {
    const all = (to: string) => `  output {
    metrics = [${to}]
    logs    = [${to}]
    traces  = [${to}]
  }`;
    const limiter = "otelcol.processor.memory_limiter.default.input";
    return `otelcol.receiver.otlp "default" {
  grpc {
    endpoint = ${listen(ports.otlpGrpc)}
  }
  http {
    endpoint = ${listen(ports.otlpHttp)}
  }
${all(limiter)}
}

otelcol.receiver.jaeger "default" {
  protocols {
    grpc {
      endpoint = ${listen(ports.jaegerGrpc)}
    }
    thrift_http {
      endpoint = ${listen(ports.jaegerThriftHttp)}
    }
    thrift_compact {
      endpoint = ${listen(ports.jaegerThriftCompact)}
    }
  }
  output {
    traces = [${limiter}]
  }
}

otelcol.receiver.zipkin "default" {
  endpoint = ${listen(ports.zipkin)}
  output {
    traces = [${limiter}]
  }
}

otelcol.processor.memory_limiter "default" {
  check_interval         = "1s"
  limit_percentage       = 80
  spike_limit_percentage = 20
${all("otelcol.processor.k8sattributes.default.input")}
}

otelcol.processor.k8sattributes "default" {
${all("otelcol.processor.batch.default.input")}
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
}`;
}

/**
 * The Alloy configuration of one role. Node-level metrics (node-exporter, kube-state-metrics, kubelet, cAdvisor) are
 * kube-prometheus-stack's; Alloy's own metrics on its HTTP port are left to a ServiceMonitor. Loki is
 * single-tenant, so no tenant header. The chart runs this text through Helm `tpl`: it must not contain `{{`.
 */
export function alloyConfig(input: AlloyConfigInput): string {
    const w = input.wiring;
    const logging = `logging {
  level  = "info"
  format = "logfmt"
}`;
    const sections = input.role === "node"
        ? [logging, podDiscovery(), podMetrics(), podLogs(), remoteWrite(w), lokiWrite(w)]
        : [logging, otel(w), remoteWrite(w), ...(collectsEvents(input) ? [kubernetesEvents(), lokiWrite(w)] : [])];
    const text = sections.join("\n\n") + "\n";
    if (text.includes("{{")) throw new Error("the Alloy configuration must not contain '{{': the chart runs it through Helm tpl");
    return text;
}
