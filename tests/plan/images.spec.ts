// images.registry moves every image of every release and of the program's own objects to one mirror;
// images.pullSecrets reaches every chart where it takes them. Checked over the image keys of the charts'
// own values.yaml (../shared/reference/charts), with each chart's precedence between its global key and
// the components' registries, as its templates apply it.
import { strict as assert } from "assert";
import * as path from "path";
import { ChartKey } from "../../charts/table";
import { Values } from "../../charts/values";
import { settingsFromStackFile } from "../../config/stack-file";
import { plan, ReleasePlan } from "../../plan";
import { smokeTestImage } from "../../plan/smoke-test";
import { chartDefaults } from "../chart-keys";
import { helmMerge } from "../chart-pods";
import { root } from "../harness";

const MIRROR = "registry.example.com/mirror";
const images = { registry: MIRROR, pullSecrets: ["mirror-pull"] };
const planOf = (stack: string, overrides: Record<string, unknown> = {}) => plan(settingsFromStackFile(path.join(root, `Pulumi.${stack}.yaml`), overrides));

type V = Values;
const set = (x: unknown) => (x === undefined || x === null || x === "" ? undefined : (x as string));
const first = (...list: unknown[]) => list.map(set).find(x => x !== undefined);

/** The registry a chart's template puts in front of an image block's repository. */
const effective: Record<ChartKey, (v: V, block: V) => string | undefined> = {
    // CustomResourceDefinitions only: its values.yaml has no image.
    "prometheus-operator-crds": () => undefined,
    // kube-prometheus-stack: global.imageRegistry first (templates/prometheus-operator/deployment.yaml:50-52, prometheus.yaml:53-56, ...)
    "kube-prometheus-stack": (v, b) => first(v.global?.imageRegistry, b.registry),
    // loki templates/_helpers.tpl:204: coalesce global.imageRegistry global.image.registry global.registry component.registry
    loki: (v, b) => first(v.global?.imageRegistry, v.global?.image?.registry, v.global?.registry, b.registry),
    // tempo templates/statefulset.yaml:70
    tempo: (v, b) => first(v.global?.imageRegistry, b.registry),
    // tempo-distributed templates/_helpers.tpl:58-63: coalesce component.registry tempo.image.registry global.image.registry
    "tempo-distributed": (v, b) => first(b.registry, v.tempo?.image?.registry, v.global?.image?.registry),
    // alloy containers/_agent.yaml:4, _watch.yaml:5
    alloy: (v, b) => first(v.global?.image?.registry, b.registry),
    // grafana templates/_pod.tpl:42, 71, 1246 and every sidecar
    grafana: (v, b) => first(v.global?.imageRegistry, b.registry),
};

/** Images whose template takes no registry at all or a registry of their own: components the stack keeps off. */
const offComponents: Partial<Record<ChartKey, { path: string; off: string[]; why: string }[]>> = {
    tempo: [{ path: "tempoQuery", off: ["tempoQuery", "enabled"], why: "statefulset.yaml:135 uses the repository alone" }],
    "tempo-distributed": [
        { path: "minio.image", off: ["minio", "enabled"], why: "the bundled MinIO subchart" },
        { path: "enterprise.image", off: ["enterprise", "enabled"], why: "enterprise only (values.yaml:3)" },
        { path: "kubectlImage", off: ["enterprise", "enabled"], why: "enterprise tokengen/provisioner jobs, repository alone" },
        { path: "provisioner.image", off: ["provisioner", "enabled"], why: "its own registry us-docker.pkg.dev" },
    ],
};

/** Every image block of a chart's values.yaml: maps with a repository or a registry. */
function imageBlocks(defaults: V): string[] {
    const out: string[] = [];
    const walk = (o: unknown, p: string[]) => {
        if (typeof o !== "object" || o === null || Array.isArray(o)) return;
        if ("repository" in o || ("registry" in o && typeof (o as V).registry !== "object")) out.push(p.join("."));
        for (const [k, x] of Object.entries(o)) walk(x, [...p, k]);
    };
    walk(defaults, []);
    return out.filter(p => p !== "global.image");
}

const get = (v: V, dotted: string) => dotted.split(".").reduce<unknown>((o, k) => (o as V | undefined)?.[k], v);

function notMirrored(r: ReleasePlan): string[] {
    const defaults = chartDefaults(r.chart, r.version)!;
    const v = helmMerge(defaults, r.values) as V;
    const off = offComponents[r.chart] ?? [];
    const problems: string[] = [];
    for (const p of imageBlocks(defaults)) {
        const exempt = off.find(o => o.path === p);
        if (exempt) {
            if (get(v, exempt.off.join(".")) !== false) problems.push(`${r.name}: ${p} is on, and ${exempt.why}`);
            continue;
        }
        const registry = effective[r.chart](v, get(v, p) as V);
        if (registry !== MIRROR) problems.push(`${r.name}: ${p} would come from ${registry ?? "Docker Hub (no registry)"}`);
    }
    return problems;
}

describe("registry mirror (images.registry, images.pullSecrets)", () => {
    for (const stack of ["dev", "prod"]) {
        describe(`${stack} stack`, () => {
            const p = planOf(stack, { images });

            it("leaves no image of any release on a public registry", () => {
                assert.ok(p.releases.length >= 7);
                for (const r of p.releases) {
                    // The CRD chart renders CustomResourceDefinitions only.
                    const some = imageBlocks(chartDefaults(r.chart, r.version)!).length > 0;
                    assert.equal(some, r.chart !== "prometheus-operator-crds", r.name);
                }
                // Grafana's admin-password init container takes the chart's own image, through the same global key.
                const sync = p.releases.find(r => r.chart === "grafana")!.values.extraInitContainers[0];
                assert.match(sync.image, /^\{\{ \.Values\.global\.imageRegistry \| default \.Values\.image\.registry \}\}\//);
                assert.deepEqual(p.releases.flatMap(notMirrored), []);
                // kube-state-metrics and node-exporter are subcharts: their helpers prefer the global key Helm passes down
                // (charts/kube-state-metrics/templates/_helpers.tpl:142-154, charts/prometheus-node-exporter/templates/_helpers.tpl:77-95).
                assert.equal(p.releases.find(r => r.chart === "kube-prometheus-stack")!.values.global.imageRegistry, MIRROR);
            });

            it("moves the program's own images too", () => {
                const job = p.objects.find(o => o.kind === "Job")!;
                const spec = job.body.spec.template.spec;
                assert.deepEqual(spec.containers.map((c: V) => c.image), [`${MIRROR}/curlimages/curl:8.21.0`]);
                assert.deepEqual(spec.imagePullSecrets, [{ name: "mirror-pull" }]);
            });

            it("hands the pull secrets to every chart in the shape its templates take", () => {
                const values = (chart: string) => p.releases.filter(r => r.chart === chart).map(r => r.values);
                const refs = [{ name: "mirror-pull" }];
                for (const v of values("kube-prometheus-stack")) assert.deepEqual(v.global.imagePullSecrets, refs);
                for (const v of values("grafana")) assert.deepEqual(v.global.imagePullSecrets, refs);
                for (const v of values("loki")) assert.deepEqual(v.imagePullSecrets, refs);
                for (const v of values("alloy")) assert.deepEqual(v.global.image.pullSecrets, refs);
                for (const v of values("tempo")) assert.deepEqual(v.tempo.pullSecrets, ["mirror-pull"]);
                for (const v of values("tempo-distributed")) assert.deepEqual(v.global.image.pullSecrets, ["mirror-pull"]);
                assert.equal(values("alloy").length, 2, "the receiver and the node agent");
            });

            it("keeps the other values as they are", () => {
                const plain = planOf(stack);
                for (const r of plain.releases) {
                    const mirrored = p.releases.find(x => x.name === r.name)!;
                    assert.deepEqual(mirrored.values.loki?.storage, r.values.loki?.storage);
                    assert.equal(mirrored.values.global?.clusterDomain, r.values.global?.clusterDomain, `${r.name}: global.clusterDomain kept`);
                    assert.deepEqual(mirrored.values.global?.podSecurityContext, r.values.global?.podSecurityContext, `${r.name}: global.podSecurityContext kept`);
                }
            });
        });
    }

    it("without a mirror, sets no registry and pulls from the public registries", () => {
        const p = planOf("dev");
        assert.ok(!JSON.stringify(p.releases.map(r => r.values)).includes('"imageRegistry":'));
        assert.ok(!JSON.stringify(p.releases.map(r => r.values)).includes("pullSecrets"));
        assert.equal(p.objects.find(o => o.kind === "Job")!.body.spec.template.spec.containers[0].image, smokeTestImage);
        assert.ok(p.releases.flatMap(notMirrored).length > 10, "the check finds public images when there is no mirror");
    });

    it("refuses a registry with a scheme or a trailing slash, naming the key", () => {
        for (const registry of ["https://registry.example.com", "registry.example.com/", "Registry.Example.com"]) {
            assert.throws(() => planOf("dev", { images: { registry } }), /images\.registry must be a registry host/);
        }
        assert.throws(() => planOf("dev", { images: { pullSecrets: "mirror-pull" } }), /images\.pullSecrets must be a list of Secret names/);
    });
});
