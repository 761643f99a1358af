// The one table of charts: name, repository and exact version per release, and how long Helm may wait.
// Grafana, Loki and Tempo come from grafana-community: the old grafana repository now publishes an
// Enterprise-only Loki whose version numbers collide with the community chart.

export const GRAFANA_COMMUNITY = "https://grafana-community.github.io/helm-charts";
export const GRAFANA = "https://grafana.github.io/helm-charts";
export const PROMETHEUS_COMMUNITY = "https://prometheus-community.github.io/helm-charts";

export interface ChartSpec {
    chart: string;
    repo: string;
    version: string;
    /** Seconds Helm waits for the release to become ready before `atomic` rolls it back. */
    timeout: number;
}

export const charts = {
    "kube-prometheus-stack": { chart: "kube-prometheus-stack", repo: PROMETHEUS_COMMUNITY, version: "88.5.3", timeout: 900 },
    loki: { chart: "loki", repo: GRAFANA_COMMUNITY, version: "18.11.0", timeout: 900 },
    tempo: { chart: "tempo", repo: GRAFANA_COMMUNITY, version: "2.2.4", timeout: 600 },
    // 2.26.2 is the last line without Kafka: 3.x needs a Kafka broker.
    "tempo-distributed": { chart: "tempo-distributed", repo: GRAFANA_COMMUNITY, version: "2.26.2", timeout: 900 },
    alloy: { chart: "alloy", repo: GRAFANA, version: "1.11.1", timeout: 600 },
    grafana: { chart: "grafana", repo: GRAFANA_COMMUNITY, version: "12.11.1", timeout: 600 },
} satisfies Record<string, ChartSpec>;

export type ChartKey = keyof typeof charts;
export const chartKeys = Object.keys(charts) as ChartKey[];
export const defaultVersions = Object.fromEntries(chartKeys.map(k => [k, charts[k].version])) as Record<ChartKey, string>;
