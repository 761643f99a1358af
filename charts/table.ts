// The one table of charts: name, repository and exact version per release, and how long Helm may wait.
// Grafana, Loki and Tempo come from grafana-community: the old grafana repository now publishes an
// Enterprise-only Loki whose version numbers collide with the community chart.

export const GRAFANA_COMMUNITY = "https://grafana-community.github.io/helm-charts";
export const GRAFANA = "https://grafana.github.io/helm-charts";
export const PROMETHEUS_COMMUNITY = "https://prometheus-community.github.io/helm-charts";
const GRAFANA_COMMUNITY_OCI = "oci://ghcr.io/grafana-community/helm-charts";
const PROMETHEUS_COMMUNITY_OCI = "oci://ghcr.io/prometheus-community/charts";

export interface ChartSpec {
    chart: string;
    repo: string;
    /** The same chart published as an OCI artifact (chart "oci://<path>/<chart>"), where there is one. */
    oci?: string;
    version: string;
    /** Seconds Helm waits for the release to become ready before `atomic` rolls it back. */
    timeout: number;
}

export const charts = {
    // The operator's CRDs as templates of their own release, so that `helm upgrade` upgrades them (Helm never
    // touches a chart's crds/ folder after the first install). Paired with kube-prometheus-stack below.
    "prometheus-operator-crds": { chart: "prometheus-operator-crds", repo: PROMETHEUS_COMMUNITY, oci: PROMETHEUS_COMMUNITY_OCI, version: "31.0.1", timeout: 300 },
    "kube-prometheus-stack": { chart: "kube-prometheus-stack", repo: PROMETHEUS_COMMUNITY, oci: PROMETHEUS_COMMUNITY_OCI, version: "88.5.3", timeout: 900 },
    loki: { chart: "loki", repo: GRAFANA_COMMUNITY, oci: GRAFANA_COMMUNITY_OCI, version: "18.11.0", timeout: 900 },
    tempo: { chart: "tempo", repo: GRAFANA_COMMUNITY, oci: GRAFANA_COMMUNITY_OCI, version: "2.2.4", timeout: 600 },
    // 2.26.2 is the last line without Kafka: 3.x needs a Kafka broker.
    "tempo-distributed": { chart: "tempo-distributed", repo: GRAFANA_COMMUNITY, oci: GRAFANA_COMMUNITY_OCI, version: "2.26.2", timeout: 900 },
    alloy: { chart: "alloy", repo: GRAFANA, version: "1.11.1", timeout: 600 },
    grafana: { chart: "grafana", repo: GRAFANA_COMMUNITY, oci: GRAFANA_COMMUNITY_OCI, version: "12.11.1", timeout: 600 },
} satisfies Record<string, ChartSpec>;

export type ChartKey = keyof typeof charts;
export const chartKeys = Object.keys(charts) as ChartKey[];
export const defaultVersions = Object.fromEntries(chartKeys.map(k => [k, charts[k].version])) as Record<ChartKey, string>;

/**
 * kube-prometheus-stack and prometheus-operator-crds move together: the CRD chart whose appVersion is the
 * operator that kube-prometheus-stack runs (both charts' Chart.yaml `appVersion`). A bump of one without the
 * other is refused; bumping both means adding the new pair here.
 */
export const operatorPairs: { "kube-prometheus-stack": string; "prometheus-operator-crds": string; operator: string }[] = [
    { "kube-prometheus-stack": "88.5.3", "prometheus-operator-crds": "31.0.1", operator: "v0.93.1" },
];

/** Why these versions do not pair (undefined when they do). */
export function operatorPairProblem(versions: Pick<Record<ChartKey, string>, "kube-prometheus-stack" | "prometheus-operator-crds">): string | undefined {
    const kps = versions["kube-prometheus-stack"];
    const crds = versions["prometheus-operator-crds"];
    if (operatorPairs.some(p => p["kube-prometheus-stack"] === kps && p["prometheus-operator-crds"] === crds)) return undefined;
    const forKps = operatorPairs.find(p => p["kube-prometheus-stack"] === kps);
    const forCrds = operatorPairs.find(p => p["prometheus-operator-crds"] === crds);
    const hint = forKps
        ? `kube-prometheus-stack ${kps} runs operator ${forKps.operator}, whose CRDs are prometheus-operator-crds ${forKps["prometheus-operator-crds"]}`
        : forCrds
            ? `prometheus-operator-crds ${crds} (operator ${forCrds.operator}) pairs with kube-prometheus-stack ${forCrds["kube-prometheus-stack"]}`
            : "neither version is a known pair";
    return `charts.kube-prometheus-stack ${kps} and charts.prometheus-operator-crds ${crds} are not a pair (${hint}): `
        + "bump both together, and add the pair (with the operator appVersion both charts name) to operatorPairs in charts/table.ts";
}
