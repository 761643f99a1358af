import { Settings } from "../../config";
import { alloyValues } from "../releases/alloy";
import { Amounts, footprint, Footprint, formatCpu, formatMemory, sum } from "./footprint";
import { grafanaValues } from "../releases/grafana";
import { lokiValues } from "../releases/loki";
import { prometheusValues } from "../releases/prometheus";
import { tempoDistributedValues, tempoMonolithicValues } from "../releases/tempo";
import { containerDefaults } from "../sizes";
import { secretNames, Wiring } from "../wiring";
import { quantity } from "../../charts/units";

/** Room above the steady state for rolling updates, the smoke test and ad-hoc debugging pods. */
export const QUOTA_HEADROOM = 1.5;

const limitDefaults: Amounts = { cpu: quantity(containerDefaults.default.cpu)!, memory: quantity(containerDefaults.default.memory)! };

/** The footprint of every release this stack installs, from the same value builders the components use. */
export function stackFootprint(s: Settings, w: Wiring): { release: string; footprint: Footprint }[] {
    const f = (chart: string, values: Record<string, any>) => footprint(chart, values, s.cluster.nodes, limitDefaults);
    return [
        ...(s.prometheus.mode === "managed" ? [{ release: "kube-prometheus-stack", footprint: f("kube-prometheus-stack", prometheusValues(s)) }] : []),
        { release: "loki", footprint: f("loki", lokiValues(s)) },
        s.tempo.mode === "distributed"
            ? { release: "tempo", footprint: f("tempo-distributed", tempoDistributedValues(s, w)) }
            : { release: "tempo", footprint: f("tempo", tempoMonolithicValues(s, w)) },
        { release: "alloy", footprint: f("alloy", alloyValues(s, w)) },
        { release: "grafana", footprint: f("grafana", grafanaValues(s, w, secretNames.grafanaAdmin)) },
    ];
}

/** ResourceQuota for the namespace: the stack's total requests and limits with headroom. */
export function resourceQuotaHard(s: Settings, w: Wiring): Record<string, string> {
    const total = sum(stackFootprint(s, w).map(r => r.footprint));
    const up = (a: Amounts) => ({ cpu: a.cpu * QUOTA_HEADROOM, memory: a.memory * QUOTA_HEADROOM });
    const [requests, limits] = [up(total.requests), up(total.limits)];
    return {
        "requests.cpu": formatCpu(requests.cpu),
        "requests.memory": formatMemory(requests.memory),
        "limits.cpu": formatCpu(limits.cpu),
        "limits.memory": formatMemory(limits.memory),
    };
}
