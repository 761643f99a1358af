// The plan: everything the stack will create, as plain data. The Pulumi layer (components/) only
// materializes it; render, footprint, quota and most tests read it directly.
import { ChartKey } from "../charts/table";
import { Values } from "../charts/values";
import { ReleaseFootprint } from "./guardrails/quota";
import { DeployedShape } from "./lifecycle";
import { PlanOutputs } from "./outputs";
import { secretNames, Wiring } from "./wiring";

export type { Values };

/** The ComponentResource that holds a release (one per Helm release; Prometheus may hold none). */
export type ComponentKey = "crds" | "prometheus" | "loki" | "tempo" | "alloy" | "alloy-node" | "grafana";

/** What a release or object can wait for: a release (by Helm name), a group of the program's own objects, or one object (`<group>/<resource>`). */
export type Step = string;

export interface ReleasePlan {
    component: ComponentKey;
    /** Fixed Helm release name, also the Pulumi resource name: service DNS names derive from it. */
    name: string;
    chart: ChartKey;
    /** The namespace Helm installs the release into: the main one, or the node agents' one. */
    namespace: string;
    /** The chart's name in its repository (the table's `chart`). */
    chartName: string;
    repo: string;
    version: string;
    /** Seconds Helm waits for readiness before `atomic` rolls back. */
    timeout: number;
    values: Values;
    /** Releases and object groups that must be ready first. */
    waitsFor: Step[];
    /** Holds data (volumes, or object storage it writes). */
    stateful: boolean;
    /** Every release follows the stack's `protect`. */
    protect: boolean;
    /** A fixed name cannot exist twice: a replacement (new namespace) deletes the old release first. */
    deleteBeforeReplace: true;
    /** Helm revisions kept (`helm upgrade --history-max`); 0, the provider's default, would keep every one. */
    maxHistory: number;
}

/**
 * A secret part of an object: the name of a secret setting, or of a password the program generates
 * (`rotation` above 0 generates a new one each time it is raised).
 */
export type SecretRef =
    | { secretSetting: string }
    | { generated: GeneratedSecret; rotation?: number }
    /**
     * A text whose secret parts are placeholders (`secretToken(setting)`, a plain YAML scalar), each filled in
     * by the Pulumi layer with the setting's value as a quoted YAML string: the whole text is then a secret.
     */
    | { template: string; secretSettings: string[] };

/**
 * The placeholder of a secret setting in a SecretRef template: letters, digits and underscores only, so YAML
 * writes it plain; the closing `_` keeps one setting's token from being the start of another's.
 */
export const secretToken = (setting: string) => `SECRET_${Buffer.from(setting).toString("hex")}_`;

/**
 * A string in release values or an object's body that the Pulumi layer replaces with a keyed hash of a
 * Secret's data (never the data): as a pod annotation it rolls the pods when the Secret changes.
 */
export const checksumOf = (secret: string) => `(checksum of Secret ${secret})`;

/** Pod annotation of the pods that read the object-storage Secret through envFrom (Loki's and Tempo's). */
export const objectStorageChecksum = { "checksum/object-storage": checksumOf(secretNames.objectStorage) };

/** The Secret a checksumOf() string names, or undefined for any other value. */
export const checksumTarget = (v: unknown): string | undefined =>
    typeof v === "string" ? /^\(checksum of Secret ([a-z0-9.-]+)\)$/.exec(v)?.[1] : undefined;

/** Passwords the Pulumi layer generates (RandomPassword `<owner>-<name>`, 32 letters and digits). */
export type GeneratedSecret = "admin-password";

export const isSecretRef = (v: unknown): v is SecretRef =>
    typeof v === "object" && v !== null && ("secretSetting" in v || "generated" in v || "template" in v);

/** Which component creates an object (its Pulumi parent). */
export type Owner = "stack" | "network" | "self-monitoring" | "smoke-test" | "grafana";

/** A Kubernetes object the program creates itself (not through a chart). */
export interface ObjectPlan {
    /** Suffix of the Pulumi resource name under its owner: `<owner name>-<resource>`, or the owner's own name when empty. */
    resource: string;
    owner: Owner;
    /** The stack namespace the object lives in (the node agents' one for their policies, limits and quota); the main one when unset. */
    namespace?: string;
    /** Objects of the same group are created together and waited for together. */
    group: Step;
    apiVersion: string;
    kind: "Namespace" | "LimitRange" | "ResourceQuota" | "NetworkPolicy" | "PrometheusRule" | "ConfigMap" | "Secret" | "Job";
    /** `namespace` is filled in by the Pulumi layer from the Namespace resource (so every object waits for it). */
    metadata: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    /** The rest of the manifest: spec, data or stringData (whose values may be SecretRefs). */
    body: Values;
    waitsFor: Step[];
    protect: boolean;
}

export interface StackPlan {
    namespace: string;
    nodeNamespace: string;
    /** The stack's `protect`: every resource but the smoke test's (and the generated password, which a rotation replaces). */
    protect: boolean;
    wiring: Wiring;
    releases: ReleasePlan[];
    objects: ObjectPlan[];
    /** Per release, from its planned values; the ResourceQuota is sized from the total. */
    footprint: ReleaseFootprint[];
    /** Levels of the install: each waits for the ones before it. */
    levels: Step[][];
    /** What this deployment records for the next one to compare against (stack output `deployedShape`). */
    shape: DeployedShape;
    /** Plain stack outputs (the generated password and the smoke test's result are added by the Pulumi layer). */
    outputs: PlanOutputs;
    /** Said once at preview (pulumi.log.warn): a choice that works but is likely not what a user wants. */
    warnings: string[];
}
