import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { Flow, flows, grafanaEgressPorts, GroupName, groups, Port, Source } from "../plan/guardrails/network-graph";

export interface PolicySpec {
    name: string;
    spec: k8s.types.input.networking.v1.NetworkPolicySpec;
}

const peer = (from: Source): k8s.types.input.networking.v1.NetworkPolicyPeer[] => {
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

export interface NetworkPoliciesArgs {
    settings: Settings;
    namespace: pulumi.Input<string>;
}

export class NetworkPolicies extends pulumi.ComponentResource {
    constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring-stack:index:NetworkPolicies", name, {}, opts);
        for (const p of networkPolicySpecs(args.settings)) {
            new k8s.networking.v1.NetworkPolicy(
                `${name}-${p.name}`,
                { metadata: { name: p.name, namespace: args.namespace }, spec: p.spec },
                { parent: this },
            );
        }
        this.registerOutputs({});
    }
}
