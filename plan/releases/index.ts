import { ChartKey, charts } from "../../charts/table";
import { Settings } from "../../config/settings";
import { imageValues, mergeValues } from "../images";
import { ComponentKey, ReleasePlan, Step, Values } from "../types";
import { releaseNames, secretNames, Wiring } from "../wiring";
import { alloyNodeValues, alloyValues } from "./alloy";
import { grafanaValues } from "./grafana";
import { lokiValues } from "./loki";
import { ALERTMANAGER_CONFIG, ownsAlertmanager } from "../alerting/alertmanager-config";
import { prometheusValues } from "./prometheus";
import { tempoDistributedValues, tempoMonolithicValues } from "./tempo";

/** The object group holding the object-storage credentials Loki and Tempo read. */
export const OBJECT_STORAGE: Step = "object-storage";
/** The node agents' namespace (node-exporter, the Alloy DaemonSet). */
export const NODE_NAMESPACE: Step = "node-namespace";

function release(s: Settings, component: ComponentKey, name: string, chart: ChartKey, values: Values, waitsFor: Step[], stateful: boolean, namespace = s.namespace): ReleasePlan {
    const spec = charts[chart];
    return {
        component, name, chart, namespace, chartName: spec.chart, repo: spec.repo, version: s.charts[chart], timeout: spec.timeout,
        values: mergeValues(values, imageValues(chart, s.images)), waitsFor,
        stateful, protect: stateful && s.protect, deleteBeforeReplace: true,
    };
}

/**
 * Every Helm release, in dependency order: kube-prometheus-stack first (its CRDs); Loki and Tempo side by side;
 * Alloy (receiver and node agent) and Grafana once the backends they talk to are ready. kube-prometheus-stack
 * puts node-exporter into the node namespace, where the Alloy node agent is installed.
 */
export function releases(s: Settings, w: Wiring): ReleasePlan[] {
    const managed = s.prometheus.mode === "managed";
    const prometheus = managed ? [releaseNames.prometheus] : [];
    const backendWaits = [...prometheus, ...(s.objectStorage ? [OBJECT_STORAGE] : [])];
    const frontWaits = [...prometheus, releaseNames.loki, releaseNames.tempo];
    const distributed = s.tempo.mode === "distributed";
    return [
        ...(managed ? [release(s, "prometheus", releaseNames.prometheus, "kube-prometheus-stack", prometheusValues(s), [NODE_NAMESPACE, ...(ownsAlertmanager(s) ? [ALERTMANAGER_CONFIG] : [])], true)] : []),
        release(s, "loki", releaseNames.loki, "loki", lokiValues(s), backendWaits, true),
        distributed
            ? release(s, "tempo", releaseNames.tempo, "tempo-distributed", tempoDistributedValues(s, w), backendWaits, true)
            : release(s, "tempo", releaseNames.tempo, "tempo", tempoMonolithicValues(s, w), backendWaits, true),
        release(s, "alloy", releaseNames.alloy, "alloy", alloyValues(s, w), frontWaits, false),
        // It writes to Prometheus and Loki only: traces go through the receiving Alloy.
        release(s, "alloy-node", releaseNames.alloyNode, "alloy", alloyNodeValues(s, w), [NODE_NAMESPACE, ...prometheus, releaseNames.loki], false, s.nodeNamespace),
        release(s, "grafana", releaseNames.grafana, "grafana", grafanaValues(s, w, secretNames.grafanaAdmin), frontWaits, true),
    ];
}
