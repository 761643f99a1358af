import { strict as assert } from "assert";
import { defaultVersions } from "../../charts/table";
import { containerPorts, Flow, flows, groupNamespace, GroupName, groups, Port } from "../../plan/guardrails/network-graph";
import { networkPolicySpecs, PolicySpec } from "../../plan/guardrails/network-policies";
import { ports } from "../../plan/wiring";
import { parseSettings, RawConfig } from "../../config/settings";
import { runStack } from "../harness";

const NS = "monitoring-stack";
const NODE_NS = "monitoring-stack-node";
interface Pod { namespace: string; labels: Record<string, string>; external?: boolean }
type Selector = { matchLabels?: Record<string, string> };
/** Every field of any `Peer` shape, read without narrowing. */
type PeerFields = { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: { cidr: string } };
type EgressRule = { to?: PeerFields[]; ports?: { port: number; protocol: string }[] };

const podOf = (g: GroupName): Pod => ({ namespace: groupNamespace(settings(), g), labels: { ...groups[g].selector } });
const appPod: Pod = { namespace: "shop", labels: { app: "checkout" } };
const ingressPod: Pod = { namespace: "kube-system", labels: { "app.kubernetes.io/name": "traefik" } };
const apiServer: Pod = { namespace: "", labels: {}, external: true };

const matches = (selector: Selector | undefined, labels: Record<string, string>) =>
    Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

/** Kubernetes NetworkPolicy ingress semantics (a policy selects pods of its own namespace), for the policy shapes this program writes. */
function allowed(specs: PolicySpec[], from: Pod, to: Pod, port: Port): boolean {
    const selecting = specs.filter(p => p.namespace === to.namespace && (p.spec.policyTypes as string[]).includes("Ingress") && matches(p.spec.podSelector, to.labels));
    if (selecting.length === 0) return true;
    return selecting.some(p =>
        (p.spec.ingress ?? []).some(rule => {
            const peerOk = rule.from.some((peer: PeerFields) => {
                if (peer.ipBlock) return !!from.external;
                if (from.external) return false;
                if (peer.namespaceSelector) {
                    const nsLabels = { "kubernetes.io/metadata.name": from.namespace };
                    return matches(peer.namespaceSelector, nsLabels) && (!peer.podSelector || matches(peer.podSelector, from.labels));
                }
                return from.namespace === p.namespace && matches(peer.podSelector, from.labels);
            });
            const portOk = !rule.ports || rule.ports.some(p => p.port === port.port && p.protocol === port.protocol);
            return peerOk && portOk;
        }),
    );
}

const settings = (raw: RawConfig = {}) => parseSettings(raw, defaultVersions);
const universe: Port[] = [
    ...new Set([...Object.values(containerPorts), ...Object.values(ports), 11211, 53]),
].flatMap(port => [{ port, protocol: "TCP" as const }, { port, protocol: "UDP" as const }]);

const sourcePod = (f: Flow): Pod =>
    "group" in f.from ? podOf(f.from.group)
        : "anyNamespace" in f.from ? appPod
            : "namespace" in f.from ? { namespace: f.from.namespace, labels: {} }
                : apiServer;

describe("network policies", () => {
    const s = settings();
    const specs = networkPolicySpecs(s);
    const graph = flows(s);

    it("denies all ingress in both namespaces by default", () => {
        const deny = specs.filter(p => p.name === "default-deny-ingress");
        assert.deepEqual(deny.map(p => p.namespace), [NS, NODE_NS]);
        for (const p of deny) assert.deepEqual(p.spec, { podSelector: {}, policyTypes: ["Ingress"] });
        for (const namespace of [NS, NODE_NS]) {
            assert.equal(allowed(specs, podOf("alloy"), { namespace, labels: { app: "something-else" } }, { port: 80, protocol: "TCP" }), false);
        }
    });

    it("crosses the two namespaces only where the graph says: the node agent to Loki and Prometheus, Prometheus to the node agent", () => {
        const tcp = (port: number) => ({ port, protocol: "TCP" as const });
        assert.equal(podOf("alloyNode").namespace, NODE_NS);
        assert.ok(allowed(specs, podOf("alloyNode"), podOf("loki"), tcp(8080)));
        assert.ok(allowed(specs, podOf("alloyNode"), podOf("prometheus"), tcp(9090)));
        assert.ok(allowed(specs, podOf("prometheus"), podOf("alloyNode"), tcp(12345)));
        assert.equal(allowed(specs, podOf("alloyNode"), podOf("tempo"), tcp(4317)), false, "traces go through the receiving Alloy");
        assert.equal(allowed(specs, appPod, podOf("alloyNode"), tcp(4318)), false, "no receivers on the node agent");
        // Same labels in the other namespace get nothing: peers in another namespace are named with it.
        assert.equal(allowed(specs, { namespace: NS, labels: groups.alloyNode.selector }, podOf("loki"), tcp(8080)), false);
        assert.equal(allowed(specs, { namespace: NODE_NS, labels: groups.prometheus.selector }, podOf("alloyNode"), tcp(12345)), false);
        const policy = specs.find(p => p.name === "allow-to-alloy-node")!;
        assert.equal(policy.namespace, NODE_NS);
    });

    it("allows every flow of the graph on its ports", () => {
        for (const f of graph) {
            const list = f.ports.length ? f.ports : [{ port: 7946, protocol: "TCP" as const }, { port: 9095, protocol: "TCP" as const }];
            for (const port of list) {
                assert.ok(allowed(specs, sourcePod(f), podOf(f.to), port), `${JSON.stringify(f.from)} -> ${f.to}:${port.port}/${port.protocol} (${f.why})`);
            }
        }
    });

    it("allows nothing between the stack's pods that the graph lacks", () => {
        const names = Object.keys(groups) as GroupName[];
        for (const src of names) {
            for (const dst of names) {
                for (const port of universe) {
                    const expected = graph.some(f => f.to === dst && (("group" in f.from && f.from.group === src) || "anyNamespace" in f.from) &&
                        (f.ports.length === 0 || f.ports.some(p => p.port === port.port && p.protocol === port.protocol)));
                    assert.equal(allowed(specs, podOf(src), podOf(dst), port), expected, `${src} -> ${dst}:${port.port}/${port.protocol}`);
                }
            }
        }
    });

    it("lets applications reach Alloy's receivers and nothing else", () => {
        assert.ok(allowed(specs, appPod, podOf("alloy"), { port: 4317, protocol: "TCP" }));
        assert.ok(allowed(specs, appPod, podOf("alloy"), { port: 6831, protocol: "UDP" }));
        assert.equal(allowed(specs, appPod, podOf("alloy"), { port: 6831, protocol: "TCP" }), false);
        assert.equal(allowed(specs, appPod, podOf("alloy"), { port: 12345, protocol: "TCP" }), false);
        for (const g of ["loki", "tempo", "prometheus", "grafana", "alertmanager"] as GroupName[]) {
            for (const port of universe) assert.equal(allowed(specs, appPod, podOf(g), port), false, `app -> ${g}:${port.port}`);
        }
    });

    it("lets only the ingress controller's namespace reach Grafana from outside", () => {
        assert.ok(allowed(specs, ingressPod, podOf("grafana"), { port: 3000, protocol: "TCP" }));
        assert.equal(allowed(specs, { namespace: "default", labels: {} }, podOf("grafana"), { port: 3000, protocol: "TCP" }), false);
        assert.equal(allowed(specs, apiServer, podOf("grafana"), { port: 3000, protocol: "TCP" }), false);
        assert.ok(allowed(specs, apiServer, podOf("operator"), { port: 10250, protocol: "TCP" }));
    });

    it("restricts Grafana's egress; grafana.com (443) only where dashboards are downloaded", () => {
        const egress = (raw: RawConfig) => networkPolicySpecs(settings(raw)).find(p => p.name === "grafana-egress")!.spec.egress as EgressRule[];
        const internet = (raw: RawConfig) => egress(raw).find(r => r.to?.[0]?.ipBlock)!.ports!.map(p => p.port);
        assert.deepEqual(internet({}), [443, 6443]);
        assert.deepEqual(internet({ grafana: { downloadDashboards: false } }), [6443]);
        const inNamespace = egress({}).filter(r => r.to?.[0]?.podSelector).map(r => r.to![0].podSelector!.matchLabels);
        assert.deepEqual(inNamespace, [groups.loki.selector, groups.tempo.selector, groups.prometheus.selector, groups.alertmanager.selector]);
    });

    it("lets applications use the exported backend URLs only with cluster.exposeBackends", () => {
        const open = networkPolicySpecs(settings({ cluster: { exposeBackends: true } }));
        for (const [g, port] of [["loki", 8080], ["tempo", 4317], ["tempo", 3200], ["prometheus", 9090], ["alloy", 12345]] as [GroupName, number][]) {
            assert.equal(allowed(specs, appPod, podOf(g), { port, protocol: "TCP" }), false, `closed: ${g}:${port}`);
            assert.ok(allowed(open, appPod, podOf(g), { port, protocol: "TCP" }), `open: ${g}:${port}`);
        }
        assert.ok(allowed(open, appPod, podOf("tempo"), { port: 6831, protocol: "UDP" }));
        assert.equal(allowed(open, appPod, podOf("loki"), { port: 3100, protocol: "TCP" }), false, "Loki's own ports stay closed");
        assert.equal(allowed(open, appPod, podOf("grafana"), { port: 3000, protocol: "TCP" }), false);
    });

    it("lets the ingress controller reach cert-manager's HTTP-01 solver when Grafana's certificate comes from a ClusterIssuer", () => {
        const solver: Pod = { namespace: NS, labels: { "acme.cert-manager.io/http01-solver": "true" } };
        const tls = networkPolicySpecs(settings({ grafana: { ingress: { hostname: "grafana.example.com", clusterIssuer: "letsencrypt" } } }));
        assert.ok(allowed(tls, ingressPod, solver, { port: 8089, protocol: "TCP" }));
        assert.equal(allowed(tls, appPod, solver, { port: 8089, protocol: "TCP" }), false);
        assert.equal(allowed(specs, ingressPod, solver, { port: 8089, protocol: "TCP" }), false, "no certificate, no solver flow");
    });

    it("drops the Prometheus flows for an external Prometheus and lets Grafana reach it", () => {
        const raw = { prometheus: { mode: "external", url: "http://prometheus.obs.svc:9090" } };
        const external = networkPolicySpecs(settings(raw));
        assert.equal(external.some(p => p.name === "allow-to-prometheus"), false);
        const egress = external.find(p => p.name === "grafana-egress")!.spec.egress as EgressRule[];
        assert.ok(egress.find(r => r.to?.[0]?.ipBlock)!.ports!.some(p => p.port === 9090));
    });

    it("are created in the namespace by both stacks, and not at all when turned off", async () => {
        for (const stack of ["dev", "prod"]) {
            const run = await runStack(stack);
            const created = run.byType("kubernetes:networking.k8s.io/v1:NetworkPolicy");
            const raw = stack === "prod" ? { grafana: { ingress: { hostname: "grafana.techcasa.io", clusterIssuer: "letsencrypt-prod" } } } : {};
            const where = (list: { name: string; namespace: string }[]) => list.map(p => `${p.namespace}/${p.name}`).sort();
            assert.deepEqual(where(created.map(r => r.inputs.metadata)), where(networkPolicySpecs(settings(raw))));
            assert.deepEqual([...new Set(created.map(r => r.inputs.metadata.namespace))].sort(), [NS, NODE_NS]);
        }
        const off = await runStack("dev", { cluster: { storageClass: "local-path", nodes: 1, networkPolicies: false } });
        assert.equal(off.byType("kubernetes:networking.k8s.io/v1:NetworkPolicy").length, 0);
    });
});
