import { Settings } from "../../config/settings";
import { alloyReceiverPorts } from "../releases/alloy";
import { ports, releaseNames } from "../wiring";

// The traffic the stack needs, as a graph of pod groups and flows. NetworkPolicies are generated from it
// and the tests hold the policies to it. Ports are container ports: a NetworkPolicy sees traffic after the
// Service has translated its port.

export interface Port {
    port: number;
    protocol: "TCP" | "UDP";
}

export interface Group {
    /** Pod labels that select the group inside its namespace. */
    selector: Record<string, string>;
    /** The group runs in the node agents' namespace, not the main one. */
    node?: true;
}

export type Source =
    | { group: GroupName }
    | { anyNamespace: true }
    | { namespace: string }
    | { anywhere: true };

export interface Flow {
    from: Source;
    to: GroupName;
    /** Empty means every port. */
    ports: Port[];
    why: string;
}

const tcp = (...list: number[]): Port[] => list.map(port => ({ port, protocol: "TCP" as const }));
const instance = (release: string) => ({ "app.kubernetes.io/instance": release });

export const groups = {
    alloy: { selector: instance(releaseNames.alloy) },
    // The Alloy DaemonSet. node-exporter, the other node agent, uses the host's network: no policy applies to it.
    alloyNode: { selector: instance(releaseNames.alloyNode), node: true },
    loki: { selector: instance(releaseNames.loki) },
    tempo: { selector: instance(releaseNames.tempo) },
    grafana: { selector: instance(releaseNames.grafana) },
    // Pods the Prometheus Operator creates carry the operator's labels, not the release's.
    prometheus: { selector: { "app.kubernetes.io/name": "prometheus" } },
    alertmanager: { selector: { "app.kubernetes.io/name": "alertmanager" } },
    operator: { selector: { app: `${releaseNames.prometheus}-operator` } },
    kubeStateMetrics: { selector: { "app.kubernetes.io/name": "kube-state-metrics" } },
    smokeTest: { selector: { "app.kubernetes.io/name": "monitoring-smoke-test" } },
    // cert-manager's HTTP-01 solver pods for Grafana's certificate run in this namespace.
    acmeSolver: { selector: { "acme.cert-manager.io/http01-solver": "true" } },
} satisfies Record<string, Group>;

export type GroupName = keyof typeof groups;

/** The namespace a group's pods run in. */
export const groupNamespace = (s: Settings, g: GroupName): string => ((groups[g] as Group).node ? s.nodeNamespace : s.namespace);

export const containerPorts = {
    lokiHttp: 3100, lokiGrpc: 9095, memberlist: 7946, lokiGateway: 8080, lokiGatewayMetrics: 4040, lokiCanary: 3500,
    memcachedExporter: 9150, tempoHttp: ports.tempoHttp, grafana: 3000, prometheus: ports.prometheus, configReloader: 8080,
    alertmanager: 9093, alertmanagerCluster: 9094, operator: 10250, kubeStateMetrics: 8080, kubeStateMetricsSelf: 8081,
    acmeSolver: 8089,
} as const;

/** The flows of the design, for the components this stack installs. */
export function flows(s: Settings): Flow[] {
    const c = containerPorts;
    const managed = s.prometheus.mode === "managed";
    const receivers: Port[] = alloyReceiverPorts.map(p => ({ port: p.port, protocol: p.protocol }));
    // The backend URLs in the stack outputs, for applications that query or push directly.
    const backendClients: Flow[] = [
        { from: { anyNamespace: true }, to: "loki", ports: tcp(c.lokiGateway), why: "applications use the Loki gateway (lokiPushUrl, lokiQueryUrl)" },
        { from: { anyNamespace: true }, to: "tempo", ports: [...receivers, ...tcp(c.tempoHttp)], why: "applications use Tempo's receivers (the same ports as Alloy's) and query API" },
        { from: { anyNamespace: true }, to: "alloy", ports: tcp(ports.alloyHttp), why: "applications read Alloy's own metrics (alloyMetricsUrl)" },
        ...(managed ? [{ from: { anyNamespace: true }, to: "prometheus", ports: tcp(c.prometheus), why: "applications query or remote-write to Prometheus" } satisfies Flow] : []),
    ];
    const list: Flow[] = [
        { from: { anyNamespace: true }, to: "alloy", ports: receivers, why: "applications send telemetry to Alloy" },
        { from: { group: "alloy" }, to: "loki", ports: tcp(c.lokiGateway), why: "Alloy pushes logs through the Loki gateway" },
        { from: { group: "alloyNode" }, to: "loki", ports: tcp(c.lokiGateway), why: "the Alloy node agent pushes container logs through the Loki gateway" },
        { from: { group: "alloy" }, to: "tempo", ports: tcp(ports.otlpGrpc), why: "Alloy exports traces to Tempo by OTLP" },
        { from: { group: "grafana" }, to: "loki", ports: tcp(c.lokiGateway), why: "Grafana queries Loki" },
        { from: { group: "grafana" }, to: "tempo", ports: tcp(c.tempoHttp), why: "Grafana queries Tempo" },
        { from: { group: "prometheus" }, to: "loki", ports: tcp(c.lokiHttp, c.lokiGatewayMetrics, c.lokiCanary, c.memcachedExporter), why: "Prometheus scrapes Loki" },
        { from: { group: "prometheus" }, to: "tempo", ports: tcp(c.tempoHttp, c.memcachedExporter), why: "Prometheus scrapes Tempo" },
        { from: { group: "prometheus" }, to: "alloy", ports: tcp(ports.alloyHttp), why: "Prometheus scrapes Alloy" },
        ...(managed ? [{ from: { group: "prometheus" }, to: "alloyNode", ports: tcp(ports.alloyHttp), why: "Prometheus scrapes the Alloy node agent" } satisfies Flow] : []),
        { from: { group: "prometheus" }, to: "grafana", ports: tcp(c.grafana), why: "Prometheus scrapes Grafana" },
        { from: { group: "loki" }, to: "loki", ports: [], why: "Loki's own gRPC, memberlist, gateway, canary and cache traffic" },
        { from: { group: "tempo" }, to: "tempo", ports: [], why: "Tempo's own gRPC, memberlist and cache traffic" },
        { from: { group: "alloy" }, to: "alloy", ports: tcp(ports.alloyHttp), why: "Alloy clustering gossip" },
        { from: { namespace: s.cluster.ingressNamespace }, to: "grafana", ports: tcp(c.grafana), why: "the ingress controller serves Grafana" },
        ...(s.grafana.ingress?.clusterIssuer
            ? [{ from: { namespace: s.cluster.ingressNamespace }, to: "acmeSolver", ports: tcp(c.acmeSolver), why: "the ingress controller forwards the ACME HTTP-01 challenge for Grafana's certificate" } satisfies Flow]
            : []),
        ...(s.cluster.exposeBackends ? backendClients : []),
        ...(s.smokeTest
            ? [
                { from: { group: "smokeTest" }, to: "tempo", ports: tcp(c.tempoHttp), why: "the smoke test reads its trace back" },
                { from: { group: "smokeTest" }, to: "loki", ports: tcp(c.lokiGateway), why: "the smoke test reads its log line back" },
            ] satisfies Flow[]
            : []),
    ];
    if (!managed) return list;
    return [
        ...list,
        { from: { group: "alloy" }, to: "prometheus", ports: tcp(c.prometheus), why: "Alloy remote-writes metrics" },
        { from: { group: "alloyNode" }, to: "prometheus", ports: tcp(c.prometheus), why: "the Alloy node agent remote-writes pod metrics" },
        { from: { group: "tempo" }, to: "prometheus", ports: tcp(c.prometheus), why: "Tempo's metrics generator remote-writes span metrics" },
        { from: { group: "grafana" }, to: "prometheus", ports: tcp(c.prometheus), why: "Grafana queries Prometheus" },
        { from: { group: "prometheus" }, to: "prometheus", ports: tcp(c.prometheus, c.configReloader), why: "Prometheus scrapes itself and its config reloader" },
        { from: { group: "prometheus" }, to: "alertmanager", ports: tcp(c.alertmanager, c.configReloader), why: "Prometheus sends alerts and scrapes Alertmanager" },
        ...(s.prometheus.alertmanager.enabled
            ? [{ from: { group: "grafana" }, to: "alertmanager", ports: tcp(c.alertmanager), why: "Grafana forwards its alerts to Alertmanager and shows its alerts and silences" } satisfies Flow]
            : []),
        { from: { group: "alertmanager" }, to: "alertmanager", ports: tcp(c.alertmanagerCluster), why: "Alertmanager cluster gossip" },
        { from: { group: "prometheus" }, to: "operator", ports: tcp(c.operator), why: "Prometheus scrapes the operator" },
        { from: { anywhere: true }, to: "operator", ports: tcp(c.operator), why: "the API server calls the operator's admission webhook (its address is not a pod)" },
        { from: { group: "prometheus" }, to: "kubeStateMetrics", ports: tcp(c.kubeStateMetrics, c.kubeStateMetricsSelf), why: "Prometheus scrapes kube-state-metrics" },
        ...(s.smokeTest ? [{ from: { group: "smokeTest" }, to: "prometheus", ports: tcp(c.prometheus), why: "the smoke test reads its metric back" } satisfies Flow] : []),
    ];
}

/** Grafana's egress: DNS, its backends, the Kubernetes API (dashboard sidecar), grafana.com only when it downloads dashboards, and the SSO provider's token and user-info endpoints. */
export function grafanaEgressPorts(s: Settings): { dns: Port[]; internet: Port[] } {
    const port = (url: string) => Number(new URL(url).port || (url.startsWith("https:") ? 443 : 80));
    const sso = s.grafana.sso ? [port(s.grafana.sso.tokenUrl), port(s.grafana.sso.apiUrl)] : [];
    const internet = new Set([s.cluster.apiServerPort, ...(s.grafana.downloadDashboards ? [443] : []), ...sso]);
    return {
        dns: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }],
        internet: [...internet].sort((a, b) => a - b).map(port => ({ port, protocol: "TCP" as const })),
    };
}
