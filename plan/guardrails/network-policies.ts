import { Settings } from "../../config/settings";
import { Flow, flows, grafanaEgressPorts, groupNamespace, GroupName, groups, Port, Source } from "./network-graph";

/** NetworkPolicy peers and spec as plain data (the fields this stack uses of networking.k8s.io/v1). */
export type Peer =
    | { podSelector: Selector }
    | { namespaceSelector: Selector | Record<string, never>; podSelector?: Selector }
    | { ipBlock: { cidr: string } };
type Selector = { matchLabels: Record<string, string> };
export interface NetworkPolicySpec {
    podSelector: Selector | Record<string, never>;
    policyTypes: ("Ingress" | "Egress")[];
    ingress?: { from: Peer[]; ports?: { port: number; protocol: string }[] }[];
    egress?: { to?: Peer[]; ports?: { port: number; protocol: string }[] }[];
}

export interface PolicySpec {
    name: string;
    /** The namespace the policy lives in (and whose pods it selects). */
    namespace: string;
    spec: NetworkPolicySpec;
}

const byName = (namespace: string) => ({ matchLabels: { "kubernetes.io/metadata.name": namespace } });

/** The peer of a flow as seen from a policy in namespace `here`: a group elsewhere is named with its namespace. */
const peer = (from: Source, s: Settings, here: string): Peer[] => {
    if ("group" in from) {
        const podSelector = { matchLabels: groups[from.group].selector };
        const there = groupNamespace(s, from.group);
        return [there === here ? { podSelector } : { namespaceSelector: byName(there), podSelector }];
    }
    if ("anyNamespace" in from) return [{ namespaceSelector: {} }];
    if ("namespace" in from) return [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": from.namespace } } }];
    return [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }];
};

const portList = (list: Port[]) => list.map(p => ({ port: p.port, protocol: p.protocol }));

const rule = (f: Flow, s: Settings, here: string) => ({ from: peer(f.from, s, here), ...(f.ports.length ? { ports: portList(f.ports) } : {}) });

/** Default-deny ingress for both namespaces, one allow policy per pod group (in the group's namespace), and Grafana's egress. */
export function networkPolicySpecs(s: Settings): PolicySpec[] {
    const graph = flows(s);
    const targets = [...new Set(graph.map(f => f.to))] as GroupName[];
    const deny: NetworkPolicySpec = { podSelector: {}, policyTypes: ["Ingress"] };
    const specs: PolicySpec[] = [
        { name: "default-deny-ingress", namespace: s.namespace, spec: deny },
        { name: "default-deny-ingress", namespace: s.nodeNamespace, spec: deny },
    ];
    for (const to of targets) {
        const here = groupNamespace(s, to);
        specs.push({
            name: `allow-to-${to.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}`,
            namespace: here,
            spec: {
                podSelector: { matchLabels: groups[to].selector },
                policyTypes: ["Ingress"],
                ingress: graph.filter(f => f.to === to).map(f => rule(f, s, here)),
            },
        });
    }
    const egress = grafanaEgressPorts(s);
    const backends = graph.filter(f => "group" in f.from && f.from.group === "grafana");
    const externalPrometheus = s.prometheus.mode === "external" ? [{ port: Number(new URL(s.prometheus.url!).port || 80), protocol: "TCP" as const }] : [];
    specs.push({
        name: "grafana-egress",
        namespace: s.namespace,
        spec: {
            podSelector: { matchLabels: groups.grafana.selector },
            policyTypes: ["Egress"],
            egress: [
                { ports: portList(egress.dns) },
                ...backends.map(f => ({ to: [{ podSelector: { matchLabels: groups[f.to].selector } }], ports: portList(f.ports) })),
                { to: peer({ anywhere: true }, s, s.namespace), ports: portList([...egress.internet, ...externalPrometheus]) },
            ],
        },
    });
    return specs;
}
