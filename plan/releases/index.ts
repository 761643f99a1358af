import { ChartKey, charts } from "../../charts/table";
import { Settings } from "../../config/settings";
import { ComponentKey, ReleasePlan, Step, Values } from "../types";
import { releaseNames, secretNames, Wiring } from "../wiring";
import { alloyValues } from "./alloy";
import { crdsValues } from "./crds";
import { grafanaValues } from "./grafana";
import { lokiValues } from "./loki";
import { prometheusValues } from "./prometheus";
import { tempoDistributedValues, tempoMonolithicValues } from "./tempo";

/** The object group holding the object-storage credentials Loki and Tempo read. */
export const OBJECT_STORAGE: Step = "object-storage";

/** Helm revisions kept per release: the Helm CLI's default, enough for `helm rollback`. */
export const MAX_HISTORY = 10;

function release(s: Settings, component: ComponentKey, name: string, chart: ChartKey, values: Values, waitsFor: Step[], stateful: boolean): ReleasePlan {
    const spec = charts[chart];
    return {
        component, name, chart, chartName: spec.chart, repo: spec.repo, version: s.charts[chart], timeout: spec.timeout, values, waitsFor,
        stateful, protect: s.protect, deleteBeforeReplace: true, maxHistory: MAX_HISTORY,
    };
}

/**
 * Every Helm release, in dependency order: the operator's CRDs first (with a managed Prometheus); then
 * kube-prometheus-stack, Loki, Tempo, Alloy and Grafana side by side. None of them needs another to be ready:
 * the CRDs are what their ServiceMonitors and PrometheusRules need; Alloy buffers and retries until its
 * backends answer; Grafana only needs their URLs. The operator's admission webhook ignores failures
 * (prometheus.ts), so a PrometheusRule written before the operator is ready is admitted.
 */
export function releases(s: Settings, w: Wiring): ReleasePlan[] {
    const managed = s.prometheus.mode === "managed";
    const crds = managed ? [releaseNames.crds] : [];
    const backendWaits = [...crds, ...(s.objectStorage ? [OBJECT_STORAGE] : [])];
    const distributed = s.tempo.mode === "distributed";
    return [
        ...(managed
            ? [
                release(s, "crds", releaseNames.crds, "prometheus-operator-crds", crdsValues(), [], false),
                release(s, "prometheus", releaseNames.prometheus, "kube-prometheus-stack", prometheusValues(s), crds, true),
            ]
            : []),
        release(s, "loki", releaseNames.loki, "loki", lokiValues(s), backendWaits, true),
        distributed
            ? release(s, "tempo", releaseNames.tempo, "tempo-distributed", tempoDistributedValues(s, w), backendWaits, true)
            : release(s, "tempo", releaseNames.tempo, "tempo", tempoMonolithicValues(s, w), backendWaits, true),
        release(s, "alloy", releaseNames.alloy, "alloy", alloyValues(s, w), crds, false),
        release(s, "grafana", releaseNames.grafana, "grafana", grafanaValues(s, w, secretNames.grafanaAdmin), crds, true),
    ];
}
