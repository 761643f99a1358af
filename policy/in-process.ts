// Runs the policies in this process over resources recorded from the program (tests, offline checks), the way the
// Pulumi CLI runs the pack: schema defaults, then "all", then per-policy config (pulumi/pulumi pkg/resource/analyzer
// ReconcilePolicyPackConfig), props behind @pulumi/policy's unknownCheckingProxy. A real run differs in that the
// provider's Check has normalised the inputs first, and it has a root stack resource.
import {
    EnforcementLevel, PolicyResourceOptions, ResourceValidationArgs, ResourceValidationPolicy, unknownCheckingProxy,
} from "@pulumi/policy";
import { schemaDefaults, Values } from "./release";

export interface Resource {
    type: string;
    name: string;
    urn: string;
    props: Values;
    parent?: string;
    deleteBeforeReplace?: boolean;
    protect?: boolean;
}

export interface Violation {
    policy: string;
    level: EnforcementLevel;
    urn: string;
    message: string;
}

/** The --policy-pack-config file: `{"all": "advisory", "<policy>": "mandatory" | {"enforcementLevel"?, ...props}}`. */
export type PackConfigFile = Record<string, EnforcementLevel | Record<string, unknown>>;

export interface PolicySettings {
    level: EnforcementLevel;
    config: Record<string, unknown>;
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

function checkType(value: unknown, type: unknown): boolean {
    switch (type) {
        case "integer": return Number.isInteger(value);
        case "number": return typeof value === "number";
        case "boolean": return typeof value === "boolean";
        case "string": return typeof value === "string";
        default: return true;
    }
}

/**
 * Each policy's enforcement level and config, as the CLI reconciles them. Stricter than the CLI on purpose: an unknown
 * policy name, an unknown property or a value of the wrong type throws, so a typo in dev.json/prod.json fails a test.
 */
export function reconcile(
    policies: ResourceValidationPolicy[], packLevel: EnforcementLevel, file: PackConfigFile = {},
): Record<string, PolicySettings> {
    const split = (key: string, entry: unknown): { level?: EnforcementLevel; props: Record<string, unknown> } => {
        const { enforcementLevel, ...props } = typeof entry === "string" ? { enforcementLevel: entry } : (entry as Record<string, unknown>);
        if (enforcementLevel !== undefined && !LEVELS.includes(enforcementLevel as EnforcementLevel)) {
            throw new Error(`${key}: "${enforcementLevel}" is not an enforcement level`);
        }
        return { level: enforcementLevel as EnforcementLevel | undefined, props };
    };
    for (const key of Object.keys(file)) {
        if (key !== "all" && !policies.some(p => p.name === key)) throw new Error(`config names no policy of the pack: ${key}`);
    }
    const allLevel = file.all === undefined ? undefined : split("all", file.all).level;
    return Object.fromEntries(policies.map(p => {
        const given = file[p.name] === undefined ? { props: {} } : split(p.name, file[p.name]);
        for (const [k, v] of Object.entries(given.props)) {
            const prop = p.configSchema?.properties[k];
            if (typeof prop !== "object") throw new Error(`${p.name}: unknown config property ${k}`);
            if (!checkType(v, prop.type)) throw new Error(`${p.name}.${k}: ${JSON.stringify(v)} is not of type ${prop.type}`);
        }
        const level: EnforcementLevel = given.level ?? allLevel ?? p.enforcementLevel ?? packLevel;
        return [p.name, { level, config: { ...schemaDefaults(p.configSchema), ...given.props } }];
    }));
}

class NotApplicable extends Error {}

/** Validation arguments as the policy SDK builds them (the fake-args pattern of pulumi-policy-aws's tests). */
export function fakeArgs(resource: Resource, config: Record<string, unknown>): ResourceValidationArgs {
    const isType = (cls: unknown) => (cls as { __pulumiType?: string }).__pulumiType === resource.type;
    const props = unknownCheckingProxy(resource.props);
    const opts: PolicyResourceOptions = {
        protect: resource.protect ?? false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(resource.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: resource.deleteBeforeReplace } : {}),
        ...(resource.parent ? { parent: resource.parent } : {}),
    };
    return {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts,
        stackTags: new Map(),
        isType,
        asType: (cls => (isType(cls) ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string) => {
            throw new NotApplicable(reason);
        },
    };
}

/** Messages one policy reports for one resource, with the given config (schema defaults filled in). */
export async function validate(
    policy: ResourceValidationPolicy, resource: Resource, config: Record<string, unknown> = {},
): Promise<string[]> {
    const messages: string[] = [];
    const validations = [policy.validateResource ?? []].flat();
    for (const v of validations) {
        try {
            await v(fakeArgs(resource, { ...schemaDefaults(policy.configSchema), ...config }), message => messages.push(message));
        } catch (e) {
            if (!(e instanceof NotApplicable)) throw e;
        }
    }
    return messages;
}

/** Every violation of the pack over the resources, with the enforcement level the config file gives it. */
export async function runPack(
    policies: ResourceValidationPolicy[], packLevel: EnforcementLevel, resources: Resource[], file?: PackConfigFile,
): Promise<Violation[]> {
    const settings = reconcile(policies, packLevel, file);
    const out: Violation[] = [];
    for (const p of policies) {
        const { level, config } = settings[p.name];
        if (level === "disabled") continue;
        for (const r of resources) {
            for (const message of await validate(p, r, config)) {
                out.push({ policy: p.name, level: level === "remediate" ? "mandatory" : level, urn: r.urn, message });
            }
        }
    }
    return out;
}
