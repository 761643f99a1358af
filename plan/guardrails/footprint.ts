// What the releases will request from the cluster: CPU and memory per container times its instances, and
// persistent storage. Read from the values, with the policy pack's table of where each chart takes them.
import { quantity } from "../../charts/units";
import { get, Values } from "../../charts/values";
import { chartWorkloads } from "../../charts/workloads";

export interface Amounts {
    cpu: number;
    memory: number;
}

export interface WorkloadFootprint {
    what: string;
    /** Containers running at once (DaemonSets: one per node). */
    replicas: number;
    /** One container's requests and limits (cores and bytes). */
    requests: Amounts;
    limits: Amounts;
    /** Where the chart puts it when not in the release's namespace. */
    namespace?: string;
}

export interface Footprint {
    workloads: WorkloadFootprint[];
    /** Totals over every workload's replicas. */
    requests: Amounts;
    limits: Amounts;
    /** Bytes of persistent volumes. */
    storage: number;
}

const amounts = (block: unknown, fallback: Amounts): Amounts => ({
    cpu: quantity(get(block, ["cpu"])) ?? fallback.cpu,
    memory: quantity(get(block, ["memory"])) ?? fallback.memory,
});

const none: Amounts = { cpu: 0, memory: 0 };

/** Volumes per chart: [values path of the size, replicas]. */
function volumes(chart: string, v: Values): [unknown, number][] {
    const n = (path: string[], dflt = 1) => Number(get(v, path) ?? dflt);
    switch (chart) {
        case "loki":
            return [
                [get(v, ["singleBinary", "persistence", "size"]), n(["singleBinary", "replicas"], 0)],
                [get(v, ["write", "persistence", "size"]), n(["write", "replicas"], 0)],
                [get(v, ["backend", "persistence", "size"]), n(["backend", "replicas"], 0)],
            ];
        case "tempo":
            return get(v, ["persistence", "enabled"]) ? [[get(v, ["persistence", "size"]), n(["replicas"])]] : [];
        case "tempo-distributed":
            return get(v, ["ingester", "persistence", "enabled"]) ? [[get(v, ["ingester", "persistence", "size"]), n(["ingester", "replicas"], 3)]] : [];
        case "grafana":
            return get(v, ["persistence", "enabled"]) ? [[get(v, ["persistence", "size"]), 1]] : [];
        case "kube-prometheus-stack":
            return [
                [get(v, ["prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate", "spec", "resources", "requests", "storage"]), n(["prometheus", "prometheusSpec", "replicas"])],
                [get(v, ["alertmanager", "alertmanagerSpec", "storage", "volumeClaimTemplate", "spec", "resources", "requests", "storage"]),
                    get(v, ["alertmanager", "enabled"]) === false ? 0 : n(["alertmanager", "alertmanagerSpec", "replicas"])],
            ];
        default:
            return [];
    }
}

/**
 * The footprint of one release. `nodes` counts DaemonSet pods; `defaultLimits` stands in for a missing
 * limit (the namespace LimitRange fills it in).
 */
export function footprint(chart: string, values: Values, nodes: number, defaultLimits: Amounts = none): Footprint {
    const workloads = (chartWorkloads({ name: chart, chart, chartRef: chart, values }) ?? [])
        .filter(w => w.instances !== "once")
        .map(w => ({
            what: w.what,
            replicas: w.instances === "node" ? nodes : (w.instances as number),
            requests: amounts(get(w.resources, ["requests"]), none),
            limits: amounts(get(w.resources, ["limits"]), defaultLimits),
            ...(w.namespace ? { namespace: w.namespace } : {}),
        }));
    const total = (pick: (w: WorkloadFootprint) => Amounts): Amounts => ({
        cpu: workloads.reduce((t, w) => t + pick(w).cpu * w.replicas, 0),
        memory: workloads.reduce((t, w) => t + pick(w).memory * w.replicas, 0),
    });
    const storage = volumes(chart, values).reduce((t, [size, count]) => t + (quantity(size) ?? 0) * count, 0);
    return { workloads, requests: total(w => w.requests), limits: total(w => w.limits), storage };
}

export function sum(list: Footprint[]): Omit<Footprint, "workloads"> {
    const add = (pick: (f: Footprint) => Amounts): Amounts => ({
        cpu: list.reduce((t, f) => t + pick(f).cpu, 0),
        memory: list.reduce((t, f) => t + pick(f).memory, 0),
    });
    return { requests: add(f => f.requests), limits: add(f => f.limits), storage: list.reduce((t, f) => t + f.storage, 0) };
}

export const formatCpu = (cores: number) => `${Math.round(cores * 1000)}m`;
export const formatMemory = (bytes: number) => `${Math.round(bytes / 2 ** 20)}Mi`;
