import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

// QuickPizza, Grafana's demo app: OTLP traces and metrics over http/protobuf, JSON logs on stderr and
// Prometheus metrics at :3333/metrics, from one small pod with an in-memory database.
const app = "quickpizza";
const image = "ghcr.io/grafana/quickpizza-local:0.15.25";
const port = 3333;

const config = new pulumi.Config();
const monitoring = new pulumi.StackReference("monitoring", { name: config.require("monitoringStack") });
const otelEnv = monitoring.requireOutput("otelEnv") as pulumi.Output<Record<string, string>>;
const monitoringNamespace = monitoring.requireOutput("namespace") as pulumi.Output<string>;
// The Alloy node agent, which scrapes this pod's metrics, runs in the monitoring stack's node namespace.
const nodeNamespace = monitoring.requireOutput("nodeNamespace") as pulumi.Output<string>;

const namespace = new k8s.core.v1.Namespace(app, { metadata: { name: config.require("namespace") } });
const ns = namespace.metadata.name;
const labels = { "app.kubernetes.io/name": app };

const fromField = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });

/** Downward-API variables first: Kubernetes expands $(VAR) only from variables defined earlier in the list. */
function containerEnv(otel: Record<string, string>) {
    const endpoint = otel.OTEL_EXPORTER_OTLP_ENDPOINT;
    if (!endpoint) throw new Error("the monitoring stack's otelEnv output has no OTEL_EXPORTER_OTLP_ENDPOINT");
    const own: Record<string, string> = {
        OTEL_SERVICE_NAME: app,
        OTEL_RESOURCE_ATTRIBUTES: [
            "k8s.namespace.name=$(K8S_NAMESPACE_NAME)",
            "k8s.pod.name=$(K8S_POD_NAME)",
            `deployment.environment.name=${pulumi.getStack()}`,
        ].join(","),
        // QuickPizza 0.15 reads its own variables for the endpoint and service name (a TODO in its main.go).
        QUICKPIZZA_OTLP_ENDPOINT: endpoint,
        QUICKPIZZA_OTEL_SERVICE_NAME: app,
        QUICKPIZZA_OTEL_SERVICE_INSTANCE_ID: "$(K8S_POD_NAME)",
    };
    return [
        fromField("K8S_NAMESPACE_NAME", "metadata.namespace"),
        fromField("K8S_POD_NAME", "metadata.name"),
        ...Object.entries({ ...otel, ...own }).map(([name, value]) => ({ name, value })),
    ];
}

const deployment = new k8s.apps.v1.Deployment(app, {
    metadata: { name: app, namespace: ns, labels },
    spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
            metadata: {
                labels,
                annotations: {
                    "prometheus.io/scrape": "true",
                    "prometheus.io/port": String(port),
                    "prometheus.io/path": "/metrics",
                },
            },
            spec: {
                containers: [{
                    name: app,
                    image,
                    ports: [{ name: "http", containerPort: port }],
                    env: otelEnv.apply(containerEnv),
                    resources: {
                        requests: { cpu: "50m", memory: "64Mi" },
                        limits: { cpu: "500m", memory: "256Mi" },
                    },
                    readinessProbe: { httpGet: { path: "/ready", port: "http" } },
                    livenessProbe: { httpGet: { path: "/healthz", port: "http" }, initialDelaySeconds: 10 },
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: 65532,
                        allowPrivilegeEscalation: false,
                        capabilities: { drop: ["ALL"] },
                    },
                }],
            },
        },
    },
});

const service = new k8s.core.v1.Service(app, {
    metadata: { name: app, namespace: ns, labels },
    spec: { selector: labels, ports: [{ name: "http", port, targetPort: "http" }] },
});

// The scrapers (the Alloy node agent, Prometheus) live in the monitoring namespaces; everything else stays in this one.
new k8s.networking.v1.NetworkPolicy(`${app}-ingress`, {
    metadata: { name: `${app}-ingress`, namespace: ns },
    spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ["Ingress"],
        ingress: [{
            from: [
                { podSelector: {} },
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": monitoringNamespace } } },
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": nodeNamespace } } },
            ],
            ports: [{ port }],
        }],
    },
});

export const appNamespace = ns;
export const appUrl = pulumi.interpolate`http://${service.metadata.name}.${ns}.svc:${port}`;
export const deploymentName = deployment.metadata.name;
