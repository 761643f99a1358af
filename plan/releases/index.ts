import { ChartKey, charts } from "../../charts/table";
import { Settings } from "../../config/settings";
import { imageValues, mergeValues } from "../images";
import { ComponentKey, ReleasePlan, Step, Values } from "../types";
import { releaseNames, secretNames, Wiring } from "../wiring";
import { alloyNodeValues, alloyValues } from "./alloy";
import { crdsValues } from "./crds";
import { grafanaValues } from "./grafana";
import { lokiValues } from "./loki";
import { ALERTMANAGER_CONFIG, ownsAlertmanager } from "../alerting/alertmanager-config";
import { prometheusValues } from "./prometheus";
import { tempoDistributedValues, tempoMonolithicValues } from "./tempo";

/** The object group holding the object-storage credentials Loki and Tempo read. */
export const OBJECT_STORAGE: Step = "object-storage";
/** The node agents' namespace (node-exporter, the Alloy DaemonSet). */
export const NODE_NAMESPACE: Step = "node-namespace";

/** Helm revisions kept per release: the Helm CLI's default, enough for `helm rollback`. */
export const MAX_HISTORY = 10;

function release(s: Settings, component: ComponentKey, name: string, chart: ChartKey, values: Values, waitsFor: Step[], stateful: boolean, namespace = s.namespace): ReleasePlan {
    const spec = charts[chart];
    return {
        component, name, chart, namespace, chartName: spec.chart, repo: spec.repo, version: s.charts[chart], timeout: spec.timeout,
        values: mergeValues(values, imageValues(chart, s.images)), waitsFor,
        stateful, protect: s.protect, deleteBeforeReplace: true, maxHistory: MAX_HISTORY,
    };
}

/**
 * Every Helm release, in dependency order: the operator's CRDs first (with a managed Prometheus); then
 * kube-prometheus-stack, Loki, Tempo, Alloy (receiver and node agent) and Grafana side by side. None of them needs another to be ready:
 * the CRDs are what their ServiceMonitors and PrometheusRules need; Alloy buffers and retries until its
 * backends answer; Grafana only needs their URLs. The operator's admission webhook ignores failures
 * (prometheus.ts), so a PrometheusRule written before the operator is ready is admitted.
 * kube-prometheus-stack puts node-exporter into the node namespace, where the Alloy node agent is installed.
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
                release(s, "prometheus", releaseNames.prometheus, "kube-prometheus-stack", prometheusValues(s),
                    [...crds, NODE_NAMESPACE, ...(ownsAlertmanager(s) ? [ALERTMANAGER_CONFIG] : [])], true),
            ]
            : []),
        release(s, "loki", releaseNames.loki, "loki", lokiValues(s), backendWaits, true),
        distributed
            ? release(s, "tempo", releaseNames.tempo, "tempo-distributed", tempoDistributedValues(s, w), backendWaits, true)
            : release(s, "tempo", releaseNames.tempo, "tempo", tempoMonolithicValues(s, w), backendWaits, true),
        release(s, "alloy", releaseNames.alloy, "alloy", alloyValues(s, w), crds, false),
        release(s, "alloy-node", releaseNames.alloyNode, "alloy", alloyNodeValues(s, w), [NODE_NAMESPACE, ...crds], false, s.nodeNamespace),
        release(s, "grafana", releaseNames.grafana, "grafana", grafanaValues(s, w, secretNames.grafanaAdmin), crds, true),
    ];
}
