// Day 2: the deployed shape (what a later `pulumi up` compares against) and the guard that refuses, before
// anything changes, a change Kubernetes or Helm cannot apply in place. Pure: the Pulumi layer reads the shape
// the stack's last deployment recorded (stack output `deployedShape`) and hands it in.
import { GuardedKey, guardedKeys, Settings } from "../config/settings";

/** The stack output recording the shape; read back from the stack's own last deployment. */
export const DEPLOYED_SHAPE_OUTPUT = "deployedShape";
export const SHAPE_VERSION = 1;

/** Per guarded key, its deployed value; null where nothing of it is deployed (no Alertmanager, no default class). */
export interface DeployedShape {
    version: number;
    keys: Record<GuardedKey, string | null>;
}

export function shape(s: Settings): DeployedShape {
    const managed = s.prometheus.mode === "managed";
    return {
        version: SHAPE_VERSION,
        keys: {
            namespace: s.namespace,
            nodeNamespace: s.nodeNamespace,
            "cluster.storageClass": s.cluster.storageClass ?? null,
            "loki.mode": s.loki.mode,
            "loki.persistenceSize": s.loki.persistenceSize,
            "tempo.mode": s.tempo.mode,
            "tempo.persistenceSize": s.tempo.persistenceSize,
            "prometheus.mode": s.prometheus.mode,
            "prometheus.storageSize": managed ? s.prometheus.storageSize : null,
            "prometheus.alertmanager.storageSize": managed && s.prometheus.alertmanager.enabled ? s.prometheus.alertmanager.storageSize : null,
            "grafana.persistenceSize": s.grafana.persistenceSize,
        },
    };
}

/** The README sections with the procedures (under "## Day 2"). */
export const runbooks = {
    volumes: "Day 2 › Volume size or storage class",
    modes: "Day 2 › Loki or Tempo mode",
    namespace: "Day 2 › Namespace",
    prometheus: "Day 2 › Prometheus managed to external",
} as const;

interface Rule {
    /** Does going from the deployed value to the new one need the runbook? (null: nothing deployed, or unset) */
    refuses(deployed: string | null, next: string | null): boolean;
    why: string;
    runbook: string;
}

const changed = (d: string | null, n: string | null) => d !== n;
const resized = (d: string | null, n: string | null) => d !== null && n !== null && d !== n;
const volumeClaims = "it is part of StatefulSet volumeClaimTemplates, which Kubernetes refuses to update: the Helm upgrade would fail, roll back, and fail the same way on every later `pulumi up`";

const rules: Record<GuardedKey, Rule> = {
    namespace: {
        refuses: changed,
        why: "every release would be deleted and installed again in the new namespace; the volumes stay behind in the old one (or are deleted with it)",
        runbook: runbooks.namespace,
    },
    nodeNamespace: {
        refuses: changed,
        why: "the node agents' namespace would be replaced (refused outright where it is protected) and the Alloy node agent deleted and installed again there, with a gap in log collection",
        runbook: runbooks.namespace,
    },
    "cluster.storageClass": { refuses: changed, why: volumeClaims, runbook: runbooks.volumes },
    "loki.mode": {
        refuses: changed,
        why: "Loki would come up empty on other volumes or storage: the stored logs are not migrated",
        runbook: runbooks.modes,
    },
    "loki.persistenceSize": { refuses: resized, why: volumeClaims, runbook: runbooks.volumes },
    "tempo.mode": {
        refuses: changed,
        why: "the release would switch to another chart in place: its StatefulSets go, their volumes are orphaned and the traces are not migrated",
        runbook: runbooks.modes,
    },
    "tempo.persistenceSize": { refuses: resized, why: volumeClaims, runbook: runbooks.volumes },
    "prometheus.mode": {
        refuses: (d, n) => d === "managed" && n === "external",
        why: "kube-prometheus-stack would be uninstalled: the operator, Prometheus, Alertmanager and their alerting go, their volumes stay",
        runbook: runbooks.prometheus,
    },
    "prometheus.storageSize": {
        refuses: resized,
        why: "the operator would recreate the Prometheus StatefulSet (an outage) and the volumes would keep their old size",
        runbook: runbooks.volumes,
    },
    "prometheus.alertmanager.storageSize": {
        refuses: resized,
        why: "the operator would recreate the Alertmanager StatefulSet and the volumes would keep their old size",
        runbook: runbooks.volumes,
    },
    "grafana.persistenceSize": {
        refuses: resized,
        why: "Grafana's volume claim can only grow, and only on a StorageClass that allows expansion (Longhorn does, K3s local-path does not); otherwise the Helm upgrade fails and rolls back",
        runbook: runbooks.volumes,
    },
};

const show = (key: GuardedKey, v: string | null) =>
    v !== null ? JSON.stringify(v) : key === "cluster.storageClass" ? "unset (the cluster's default class)" : "not deployed";

const isShape = (v: unknown): v is DeployedShape =>
    typeof v === "object" && v !== null && typeof (v as DeployedShape).version === "number" &&
    typeof (v as DeployedShape).keys === "object" && (v as DeployedShape).keys !== null;

/**
 * The changes from the deployed shape to the next one that are refused: one message per key naming the key,
 * the deployed value, the new value and the README section with the procedure. `deployed` is what the stack's
 * last deployment recorded: undefined on a first install (or a stack deployed before the shape was recorded),
 * which is never refused. An acknowledged key is applied.
 */
export function guard(deployed: unknown, next: DeployedShape, acknowledged: readonly string[]): string[] {
    if (deployed === undefined || deployed === null) return [];
    if (!isShape(deployed) || deployed.version > SHAPE_VERSION) {
        return [`the stack's last deployment recorded ${DEPLOYED_SHAPE_OUTPUT} ${JSON.stringify(deployed)}, which this program cannot compare against (written by a newer version?): deploy with that version`];
    }
    const problems: string[] = [];
    for (const key of guardedKeys) {
        if (!(key in deployed.keys) || acknowledged.includes(key)) continue;
        const [d, n] = [deployed.keys[key] ?? null, next.keys[key]];
        const rule = rules[key];
        if (!rule.refuses(d, n)) continue;
        problems.push(
            `${key} is deployed as ${show(key, d)} and would become ${show(key, n)}: ${rule.why}. ` +
                `Follow the README section "${rule.runbook}", then add "${key}" to lifecycle.acknowledge`,
        );
    }
    return problems;
}

/** The program's refusal of a deployment: every refused change from `guard()`, one per line. */
export function refusal(problems: readonly string[]): string {
    return `refused against the stack's last deployment, before anything changes:\n  - ${problems.join("\n  - ")}`;
}
