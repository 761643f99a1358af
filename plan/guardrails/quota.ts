import { quantity } from "../../charts/units";
import { Settings } from "../../config/settings";
import { containerDefaults } from "../sizes";
import { ReleasePlan } from "../types";
import { Amounts, footprint, Footprint, formatCpu, formatMemory, WorkloadFootprint } from "./footprint";

/** Room above the steady state for rolling updates, the smoke test and ad-hoc debugging pods. */
export const QUOTA_HEADROOM = 1.5;

const limitDefaults: Amounts = { cpu: quantity(containerDefaults.default.cpu)!, memory: quantity(containerDefaults.default.memory)! };

export interface ReleaseFootprint {
    release: string;
    /** The release's namespace; a workload's own `namespace` overrides it. */
    namespace: string;
    footprint: Footprint;
}

/** The footprint of every planned release, read from its values. */
export function stackFootprint(s: Settings, releases: ReleasePlan[]): ReleaseFootprint[] {
    return releases.map(r => ({ release: r.name, namespace: r.namespace, footprint: footprint(r.chart, r.values, s.cluster.nodes, limitDefaults) }));
}

/** The workloads that run in one namespace, over every release. */
export function namespaceWorkloads(feet: ReleaseFootprint[], namespace: string): WorkloadFootprint[] {
    return feet.flatMap(f => f.footprint.workloads.filter(w => (w.namespace ?? f.namespace) === namespace));
}

/** ResourceQuota for a namespace: the total requests and limits of its workloads with headroom. */
export function resourceQuotaHard(workloads: WorkloadFootprint[]): Record<string, string> {
    const total = (pick: (w: WorkloadFootprint) => Amounts): Amounts => ({
        cpu: workloads.reduce((t, w) => t + pick(w).cpu * w.replicas, 0),
        memory: workloads.reduce((t, w) => t + pick(w).memory * w.replicas, 0),
    });
    const up = (a: Amounts) => ({ cpu: a.cpu * QUOTA_HEADROOM, memory: a.memory * QUOTA_HEADROOM });
    const [requests, limits] = [up(total(w => w.requests)), up(total(w => w.limits))];
    return {
        "requests.cpu": formatCpu(requests.cpu),
        "requests.memory": formatMemory(requests.memory),
        "limits.cpu": formatCpu(limits.cpu),
        "limits.memory": formatMemory(limits.memory),
    };
}
