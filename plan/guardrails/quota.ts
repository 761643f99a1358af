import { quantity } from "../../charts/units";
import { Settings } from "../../config/settings";
import { containerDefaults } from "../sizes";
import { ReleasePlan } from "../types";
import { Amounts, footprint, Footprint, formatCpu, formatMemory, sum } from "./footprint";

/** Room above the steady state for rolling updates, the smoke test and ad-hoc debugging pods. */
export const QUOTA_HEADROOM = 1.5;

const limitDefaults: Amounts = { cpu: quantity(containerDefaults.default.cpu)!, memory: quantity(containerDefaults.default.memory)! };

/** The footprint of every planned release, read from its values. */
export function stackFootprint(s: Settings, releases: ReleasePlan[]): { release: string; footprint: Footprint }[] {
    return releases.map(r => ({ release: r.name, footprint: footprint(r.chart, r.values, s.cluster.nodes, limitDefaults) }));
}

/** ResourceQuota for the namespace: the stack's total requests and limits with headroom. */
export function resourceQuotaHard(feet: { footprint: Footprint }[]): Record<string, string> {
    const total = sum(feet.map(r => r.footprint));
    const up = (a: Amounts) => ({ cpu: a.cpu * QUOTA_HEADROOM, memory: a.memory * QUOTA_HEADROOM });
    const [requests, limits] = [up(total.requests), up(total.limits)];
    return {
        "requests.cpu": formatCpu(requests.cpu),
        "requests.memory": formatMemory(requests.memory),
        "limits.cpu": formatCpu(limits.cpu),
        "limits.memory": formatMemory(limits.memory),
    };
}
