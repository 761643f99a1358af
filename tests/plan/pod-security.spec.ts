// Pod Security: every pod the stack puts into the main namespace meets `restricted`, and only the node
// agents run in the node namespace, with no more than the host access they need. Evaluated over the plan:
// the program's own pod templates, and the pods each chart renders from the values it is given (tests/chart-pods.ts).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Values } from "../../charts/values";
import { settingsFromStackFile } from "../../config/stack-file";
import { plan, StackPlan } from "../../plan";
import { chartPods } from "../chart-pods";
import { root } from "../harness";
import { evaluate, PodSpec } from "../pss";

interface Pod { release: string; what: string; namespace: string; spec: PodSpec }

/** Every pod template of a plan: the charts' and the program's own (Jobs, and any workload kind). */
function podsOf(p: StackPlan): Pod[] {
    const kinds: string[] = ["Pod", "Job", "Deployment", "StatefulSet", "DaemonSet"];
    const own = p.objects.filter(o => kinds.includes(o.kind)).map(o => ({
        release: "(program)", what: `${o.kind}/${o.metadata.name ?? o.owner}`, namespace: o.namespace ?? p.namespace,
        spec: (o.kind as string) === "Pod" ? o.body.spec : o.body.spec.template.spec,
    }));
    return [...p.releases.flatMap(chartPods), ...own];
}

const planOf = (stack: string, overrides: Record<string, unknown> = {}) => plan(settingsFromStackFile(path.join(root, `Pulumi.${stack}.yaml`), overrides));
const label = (pod: Pod) => `${pod.release}: ${pod.what} (${pod.namespace})`;

/** Host access the node agents need, and nothing else: these are the only violations allowed in the node namespace. */
const needed: Record<string, RegExp[]> = {
    "DaemonSet/node-exporter": [/^hostNetwork: true$/, /^hostPID: true$/, /^hostPath volumes proc=\/proc, sys=\/sys, root=\/$/, /^volume type hostPath \((proc|sys|root)\)$/],
    // Container log files are root's (0640): uid 0, without capabilities.
    "DaemonSet/alloy-node": [/^hostPath volumes varlog=\/var\/log, alloy-data=\/var\/lib\/alloy-/, /^volume type hostPath \((varlog|alloy-data)\)$/, /^runAsNonRoot != true \(alloy\)$/, /^runAsUser: 0 \(alloy\)$/],
};

const configurations: [string, string, Record<string, unknown>][] = [
    ["dev", "dev", {}],
    ["prod", "prod", {}],
    ["dev with an external Prometheus", "dev", { prometheus: { mode: "external", url: "http://prometheus.obs.svc:9090" } }],
    ["dev air-gapped (no dashboard downloads)", "dev", { grafana: { downloadDashboards: false, persistenceSize: "5Gi" } }],
    ["prod without Alertmanager", "prod", { prometheus: { mode: "managed", alertmanager: { enabled: false } }, alerting: undefined }],
    ["dev with its own names for both namespaces", "dev", { namespace: "observability", nodeNamespace: "observability-agents" }],
];

describe("Pod Security", () => {
    describe("the evaluator (Pod Security Standards v1.33)", () => {
        const locked = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
        const restricted = { securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, containers: [{ name: "c", securityContext: locked }] };

        it("admits a locked-down pod as restricted and names each control a pod breaks", () => {
            assert.equal(evaluate(restricted).level, "restricted");
            const noSeccomp = evaluate({ ...restricted, securityContext: { runAsNonRoot: true } });
            assert.deepEqual(noSeccomp.restricted, ["seccompProfile not RuntimeDefault or Localhost (c)"]);
            assert.equal(noSeccomp.level, "baseline");
            const root = evaluate({ ...restricted, initContainers: [{ name: "chown", securityContext: { runAsNonRoot: false, runAsUser: 0, capabilities: { add: ["CHOWN"] } } }] });
            assert.deepEqual(root.restricted, [
                "allowPrivilegeEscalation != false (initContainer chown)",
                "runAsNonRoot != true (initContainer chown)",
                "runAsUser: 0 (initContainer chown)",
                "capabilities.drop lacks ALL (initContainer chown)",
                "capabilities.add CHOWN (initContainer chown)",
            ]);
            assert.equal(root.level, "baseline", "CHOWN is allowed by baseline");
        });

        it("puts host namespaces, host paths, privileged containers and extra capabilities below baseline", () => {
            for (const extra of [{ hostNetwork: true }, { hostPID: true }, { volumes: [{ name: "h", hostPath: { path: "/" } }] }]) {
                assert.equal(evaluate({ ...restricted, ...extra }).level, "privileged", JSON.stringify(extra));
            }
            assert.equal(evaluate({ ...restricted, containers: [{ name: "c", securityContext: { ...locked, privileged: true } }] }).level, "privileged");
            assert.equal(evaluate({ ...restricted, containers: [{ name: "c", securityContext: { ...locked, capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } } }] }).level, "privileged");
            assert.equal(evaluate({ ...restricted, containers: [{ name: "c", securityContext: { ...locked, seccompProfile: { type: "Unconfined" } } }] }).level, "privileged");
            assert.equal(evaluate({ ...restricted, volumes: [{ name: "n", nfs: {} }] }).level, "baseline", "nfs is baseline, not restricted");
        });
    });

    for (const [name, stack, overrides] of configurations) {
        describe(name, () => {
            const p = planOf(stack, overrides);
            const pods = podsOf(p);

            it("labels the main namespace restricted (enforce, warn, audit) and the node namespace privileged with baseline warnings", () => {
                const labels = (ns: string) => p.objects.find(o => o.kind === "Namespace" && o.metadata.name === ns)!.metadata.labels;
                assert.deepEqual(labels(p.namespace), {
                    "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted",
                });
                assert.deepEqual(labels(p.nodeNamespace), {
                    "pod-security.kubernetes.io/enforce": "privileged", "pod-security.kubernetes.io/warn": "baseline", "pod-security.kubernetes.io/audit": "baseline",
                });
            });

            it("puts only pods that meet restricted into the main namespace", () => {
                const main = pods.filter(pod => pod.namespace === p.namespace);
                assert.ok(main.length > 5);
                const failing = main.map(pod => ({ pod, e: evaluate(pod.spec) })).filter(x => x.e.level !== "restricted")
                    .map(x => `${label(x.pod)}: ${[...x.e.baseline, ...x.e.restricted].join("; ")}`);
                assert.deepEqual(failing, []);
            });

            it("runs only node-exporter and the Alloy node agent in the node namespace, with nothing beyond their host access", () => {
                const node = pods.filter(pod => pod.namespace === p.nodeNamespace);
                const expected = ["DaemonSet/alloy-node", ...(p.releases.some(r => r.chart === "kube-prometheus-stack") ? ["DaemonSet/node-exporter"] : [])];
                assert.deepEqual(node.map(pod => pod.what).sort(), expected.sort());
                for (const pod of node) {
                    const e = evaluate(pod.spec);
                    const extra = [...e.baseline, ...e.restricted].filter(m => !needed[pod.what].some(re => re.test(m)));
                    assert.deepEqual(extra, [], `${label(pod)} needs no more than its host access`);
                }
                assert.deepEqual(pods.filter(pod => ![p.namespace, p.nodeNamespace].includes(pod.namespace)), []);
            });

            it("mounts no API token where no role is bound (Alertmanager, monolithic Tempo, the smoke test)", () => {
                for (const pod of pods.filter(x => /^(Alertmanager|StatefulSet\/tempo)$/.test(x.what) || x.release === "(program)")) {
                    assert.equal(pod.spec.automountServiceAccountToken, false, label(pod));
                }
            });
        });
    }

    it("would catch the gaps measured before (root init-chown, Tempo without seccomp, Alloy's receiver reading the host)", () => {
        const levelAfter = (stack: string, release: string, change: (v: Values) => void) => {
            const p = planOf(stack);
            const r = p.releases.find(x => x.name === release)!;
            const values = structuredClone(r.values);
            change(values);
            return chartPods({ ...r, values }).map(pod => evaluate(pod.spec).level);
        };
        assert.deepEqual(levelAfter("dev", "grafana", v => { v.initChownData.enabled = true; }), ["baseline"]);
        assert.deepEqual(levelAfter("dev", "tempo", v => { delete v.securityContext; delete v.tempo.securityContext; }), ["baseline"]);
        assert.ok(levelAfter("prod", "tempo", v => { delete v.tempo.podSecurityContext; }).every(l => l === "baseline"));
        assert.deepEqual(levelAfter("dev", "alloy", v => { v.alloy.mounts.varlog = true; }), ["privileged"]);
        assert.deepEqual(levelAfter("dev", "kube-prometheus-stack", v => { delete v["prometheus-node-exporter"].namespaceOverride; }).filter(l => l !== "restricted"), ["privileged"]);
    });

    it("gives the config-reloaders of Prometheus and Alertmanager probes", () => {
        const kps = planOf("prod").releases.find(r => r.chart === "kube-prometheus-stack")!;
        assert.equal(kps.values.prometheusOperator.prometheusConfigReloader.enableProbe, true);
        assert.equal(kps.values.alertmanager.serviceAccount.automountServiceAccountToken, false);
    });

    it("uses read-only root filesystems where the images allow, with writable emptyDirs where they write", () => {
        for (const stack of ["dev", "prod"]) {
            for (const pod of podsOf(planOf(stack))) {
                for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
                    assert.equal(c.securityContext.readOnlyRootFilesystem, true, `${label(pod)} ${c.name}`);
                }
            }
        }
        const grafana = planOf("dev").releases.find(r => r.name === "grafana")!.values;
        assert.deepEqual(grafana.extraEmptyDirMounts, [{ name: "tmp", mountPath: "/tmp" }]);
        assert.equal(grafana.initChownData.enabled, false, "the pod's fsGroup owns the volume: no root init container");
    });

    it("states in the README's security section the figures this evaluation gives", () => {
        const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
        const start = readme.indexOf("\n## Security\n");
        const security = readme.slice(start, readme.indexOf("\n## ", start + 1));
        for (const stack of ["dev", "prod"]) {
            const p = planOf(stack);
            const pods = podsOf(p);
            const main = pods.filter(x => x.namespace === p.namespace);
            const figure = `${stack}: ${main.filter(x => evaluate(x.spec).level === "restricted").length} of ${main.length} pod templates in the main namespace meet restricted, ${pods.length - main.length} node agents in the node namespace`;
            assert.ok(security.includes(figure), `README security section lacks "${figure}"`);
        }
    });
});
