// Checks that every Helm values key the program sets exists in the pinned chart's own values.yaml.
// Helm ignores a misspelt or misplaced key silently; this is the only place that would notice.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** The charts' reference copies: shared/reference/charts beside the repository, or CHART_REFERENCE_DIR. */
export const referenceDir = process.env.CHART_REFERENCE_DIR ?? path.resolve(__dirname, "../../shared/reference/charts");

/**
 * Paths the chart passes through as free-form maps, or keys its templates read that values.yaml only shows
 * commented out. Each entry names its evidence.
 */
export const passThrough: Record<string, { path: string; why: string }[]> = {
    "prometheus-operator-crds": [],
    "kube-prometheus-stack": [
        { path: "prometheus-node-exporter", why: "subchart values (prometheus-node-exporter chart), e.g. resources" },
        { path: "kube-state-metrics", why: "subchart values (kube-state-metrics chart), e.g. resources" },
        { path: "alertmanager.alertmanagerSpec.configSecret", why: "commented in values.yaml; templates/alertmanager/alertmanager.yaml:67 reads .Values.alertmanager.alertmanagerSpec.configSecret" },
    ],
    loki: [
        { path: "loki.storage.bucketNames", why: "commented example in values.yaml; read by _helpers.tpl loki.commonStorageConfig" },
        { path: "loki.limits_config", why: "rendered with toYaml into limits_config" },
        { path: "loki.compactor", why: "default {}; rendered with toYaml into compactor" },
    ],
    tempo: [
        { path: "tempo.receivers", why: "rendered with toYaml into distributor.receivers (any OTel receiver, e.g. zipkin)" },
        { path: "tempo.overrides", why: "rendered with toYaml into overrides" },
        { path: "persistence.storageClassName", why: "commented in values.yaml; statefulset.yaml reads .Values.persistence.storageClassName" },
        { path: "tempo.pullSecrets", why: "commented in values.yaml:31-35; statefulset.yaml:44-47 renders each name as an imagePullSecret" },
    ],
    "tempo-distributed": [
        { path: "overrides", why: "rendered verbatim into overrides" },
        { path: "storage.trace.s3", why: "rendered with toYaml into storage.trace.s3 (Tempo S3 config fields)" },
    ],
    alloy: [],
    grafana: [
        { path: "ingress.ingressClassName", why: "commented in values.yaml; templates/ingress.yaml reads .Values.ingress.ingressClassName" },
        { path: "persistence.storageClassName", why: "commented in values.yaml; templates/pvc.yaml reads .Values.persistence.storageClassName" },
        { path: "persistence.annotations", why: "commented in values.yaml; templates/pvc.yaml reads .Values.persistence.annotations" },
        { path: "podAnnotations", why: "commented in values.yaml (233); templates/deployment.yaml reads .Values.podAnnotations" },
        { path: "grafana.ini", why: "free-form ini sections" },
        { path: "datasources", why: "free-form provisioning files keyed by file name" },
        { path: "dashboardProviders", why: "free-form provisioning files keyed by file name" },
        { path: "dashboards", why: "free-form: provider name -> dashboard name -> gnetId/revision/datasource" },
    ],
};

/** Keys whose value is a Kubernetes API object the charts render with toYaml: checked for presence only. */
const kubernetesObjects = ["resources", "affinity", "securityContext", "podSecurityContext", "containerSecurityContext"];

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const parsedDefaults = new Map<string, Record<string, unknown> | undefined>();

/** The chart's own values.yaml, parsed once per file (callers get their own copy: some merge into it). */
export function chartDefaults(chart: string, version: string): Record<string, unknown> | undefined {
    const file = path.join(referenceDir, `${chart}-${version}`, "values.yaml");
    if (!parsedDefaults.has(file)) parsedDefaults.set(file, fs.existsSync(file) ? (parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>) : undefined);
    const parsed = parsedDefaults.get(file);
    return parsed === undefined ? undefined : structuredClone(parsed);
}

/** Returns one line per key that the chart does not know. */
export function unknownKeys(chart: string, values: Record<string, unknown>, defaults: Record<string, unknown>): string[] {
    const free = (passThrough[chart] ?? []).map(p => p.path);
    const problems: string[] = [];
    const walk = (v: Record<string, unknown>, d: Record<string, unknown>, prefix: string) => {
        for (const [key, value] of Object.entries(v)) {
            const p = prefix ? `${prefix}.${key}` : key;
            if (free.some(f => p === f || p.startsWith(`${f}.`))) continue;
            if (!(key in d)) {
                problems.push(`${chart}: ${p} is not a key of values.yaml`);
                continue;
            }
            if (kubernetesObjects.includes(key)) continue;
            const dv = d[key];
            // An empty map or a scalar default takes any value; a populated map is checked key by key.
            if (isMap(value) && isMap(dv) && Object.keys(dv).length > 0) walk(value, dv, p);
        }
    };
    walk(values, defaults, "");
    return problems;
}
