import { ChartKey, charts } from "../../charts/table";
import { Settings } from "../../config/settings";
import { ComponentKey, ReleasePlan, Step, Values } from "../types";
import { releaseNames, secretNames, Wiring } from "../wiring";
import { alloyValues } from "./alloy";
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
        stateful, protect: stateful && s.protect, deleteBeforeReplace: true, maxHistory: MAX_HISTORY,
    };
}

/**
 * Every Helm release, in dependency order: kube-prometheus-stack first (its CRDs); Loki and Tempo side by side;
 * Alloy and Grafana once the backends they talk to are ready.
 */
export function releases(s: Settings, w: Wiring): ReleasePlan[] {
    const managed = s.prometheus.mode === "managed";
    const prometheus = managed ? [releaseNames.prometheus] : [];
    const backendWaits = [...prometheus, ...(s.objectStorage ? [OBJECT_STORAGE] : [])];
    const frontWaits = [...prometheus, releaseNames.loki, releaseNames.tempo];
    const distributed = s.tempo.mode === "distributed";
    return [
        ...(managed ? [release(s, "prometheus", releaseNames.prometheus, "kube-prometheus-stack", prometheusValues(s), [], true)] : []),
        release(s, "loki", releaseNames.loki, "loki", lokiValues(s), backendWaits, true),
        distributed
            ? release(s, "tempo", releaseNames.tempo, "tempo-distributed", tempoDistributedValues(s, w), backendWaits, true)
            : release(s, "tempo", releaseNames.tempo, "tempo", tempoMonolithicValues(s, w), backendWaits, true),
        release(s, "alloy", releaseNames.alloy, "alloy", alloyValues(s, w), frontWaits, false),
        release(s, "grafana", releaseNames.grafana, "grafana", grafanaValues(s, w, secretNames.grafanaAdmin), frontWaits, true),
    ];
}
