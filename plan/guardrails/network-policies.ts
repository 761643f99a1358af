import { Settings } from "../../config/settings";
import { Flow, flows, grafanaEgressPorts, GroupName, groups, Port, Source } from "./network-graph";

/** NetworkPolicy peers and spec as plain data (the fields this stack uses of networking.k8s.io/v1). */
export type Peer = { podSelector: Selector } | { namespaceSelector: Selector | Record<string, never> } | { ipBlock: { cidr: string } };
type Selector = { matchLabels: Record<string, string> };
export interface NetworkPolicySpec {
    podSelector: Selector | Record<string, never>;
    policyTypes: ("Ingress" | "Egress")[];
    ingress?: { from: Peer[]; ports?: { port: number; protocol: string }[] }[];
    egress?: { to?: Peer[]; ports?: { port: number; protocol: string }[] }[];
}

export interface PolicySpec {
    name: string;
    spec: NetworkPolicySpec;
}

const peer = (from: Source): Peer[] => {
    if ("group" in from) return [{ podSelector: { matchLabels: groups[from.group].selector } }];
    if ("anyNamespace" in from) return [{ namespaceSelector: {} }];
    if ("namespace" in from) return [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": from.namespace } } }];
    return [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }];
};

const portList = (list: Port[]) => list.map(p => ({ port: p.port, protocol: p.protocol }));

const rule = (f: Flow) => ({ from: peer(f.from), ...(f.ports.length ? { ports: portList(f.ports) } : {}) });

/** Default-deny ingress for the namespace, one allow policy per pod group, and Grafana's egress. */
export function networkPolicySpecs(s: Settings): PolicySpec[] {
    const graph = flows(s);
    const targets = [...new Set(graph.map(f => f.to))] as GroupName[];
    const specs: PolicySpec[] = [{ name: "default-deny-ingress", spec: { podSelector: {}, policyTypes: ["Ingress"] } }];
    for (const to of targets) {
        specs.push({
            name: `allow-to-${to.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}`,
            spec: {
                podSelector: { matchLabels: groups[to].selector },
                policyTypes: ["Ingress"],
                ingress: graph.filter(f => f.to === to).map(rule),
            },
        });
    }
    const egress = grafanaEgressPorts(s);
    const backends = graph.filter(f => "group" in f.from && f.from.group === "grafana");
    const externalPrometheus = s.prometheus.mode === "external" ? [{ port: Number(new URL(s.prometheus.url!).port || 80), protocol: "TCP" as const }] : [];
    specs.push({
        name: "grafana-egress",
        spec: {
            podSelector: { matchLabels: groups.grafana.selector },
            policyTypes: ["Egress"],
            egress: [
                { ports: portList(egress.dns) },
                ...backends.map(f => ({ to: [{ podSelector: { matchLabels: groups[f.to].selector } }], ports: portList(f.ports) })),
                { to: peer({ anywhere: true }), ports: portList([...egress.internet, ...externalPrometheus]) },
            ],
        },
    });
    return specs;
}
