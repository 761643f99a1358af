// Runs the real program under Pulumi runtime mocks with a real stack file's configuration and records
// every resource registration with its parent, dependencies, options and inputs.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";
import type { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperty, specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { Values } from "../charts/values";
import { readStackFile, stackFileConfig } from "../config/stack-file";

export const root = path.resolve(__dirname, "..");
export const PROJECT = "monitoring-stack";

/** The prod receivers' credentials (`pulumi config set --secret --path alertingSecrets.<receiver>`). */
export const alertingTestCredentials: Record<string, string> = {
    oncall: "testpagerdutyroutingkey000000001",
    chat: "https://hooks.slack.com/services/T0TEST000/B0TEST000/testslackwebhooksecret01",
    mail: "test-smtp-password-0123456789",
    heartbeat: "https://hc-ping.com/test-heartbeat-0000-secret-uuid",
};

/** Values a real `pulumi config set --secret` would hold; the tests check they never leak. */
export const testSecrets: Record<string, string> = {
    objectStorageAccessKeyId: "TESTACCESSKEYID0001",
    objectStorageSecretAccessKey: "test-secret-access-key-0123456789abcdef",
    // `--path` stores one structured secret: the program reads it as a JSON object.
    alertingSecrets: JSON.stringify(alertingTestCredentials),
};

export interface Recorded {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    parent: string;
    dependencies: string[];
    deleteBeforeReplace: boolean;
    protect: boolean;
    /** The provider reference; empty for the default provider, which the stack's `kubernetes:` config configures. */
    provider: string;
    replaceOnChanges: string[];
    /** Inputs with secrets unwrapped. */
    inputs: Values;
    /** Inputs as sent to the engine: secrets are still wrapped in their signature objects. */
    wire: Record<string, unknown>;
}

/** How a run sees the world beyond the program. */
export interface RunOptions {
    /** The `deployedShape` output of the stack's last deployment (its StackReference to itself); none: a first install. */
    deployed?: unknown;
    /** Evaluate again instead of sharing a recorded run (two evaluations of the same configuration). */
    fresh?: boolean;
    /** Run as `pulumi preview` does. */
    preview?: boolean;
}

export interface Run {
    stack: string;
    resources: Recorded[];
    /** What the program logged with pulumi.log.warn while it ran. */
    warnings: string[];
    /** Stacks read through a StackReference. */
    stackReferences: string[];
    outputs: Record<string, pulumi.Output<unknown> | unknown>;
    /** Resolves an output to its value and whether it is secret. */
    resolve(name: string): Promise<{ value: unknown; secret: boolean }>;
    byType(type: string): Recorded[];
    release(name: string): Recorded;
}

/** Flattens a stack file's `config:` into the string map `setAllConfig` takes (objects JSON-encoded). */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}): Record<string, string> {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new Error(`no stack file ${file}`);
    const merged: Record<string, unknown> = { ...(readStackFile(file)?.config ?? {}) };
    for (const [k, v] of Object.entries(overrides)) {
        // A key with a namespace (`kubernetes:enableSecretMutable`) is taken as is.
        const key = k.includes(":") ? k : `${PROJECT}:${k}`;
        if (v === undefined) delete merged[key];
        else merged[key] = v;
    }
    return Object.fromEntries(
        Object.entries(merged).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

/** Sets a dotted key (`loki.replicas.read`) in settings, making the objects on the way; `undefined` removes it. */
export function setSetting(config: Values, key: string, value: unknown): Values {
    const keys = key.split(".");
    let node = config;
    for (const k of keys.slice(0, -1)) node = node[k] = typeof node[k] === "object" && node[k] !== null ? node[k] : {};
    if (value === undefined) delete node[keys[keys.length - 1]];
    else node[keys[keys.length - 1]] = value;
    return config;
}

/** The stack file's settings (without the `monitoring-stack:` prefix) with each dotted key of `changes` set; `undefined` removes it. */
export function withSetting(stack: string, changes: Record<string, unknown>): Record<string, unknown> {
    const config = stackFileConfig(path.join(root, `Pulumi.${stack}.yaml`)) as Values;
    for (const [key, value] of Object.entries(changes)) setSetting(config, key, value);
    return config;
}

function isSecretWire(v: unknown): boolean {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[specialSigKey] === specialSecretSig;
}

/** Does the wire form hold `needle` anywhere outside a secret wrapper? */
export function plaintextContains(wire: unknown, needle: string): boolean {
    if (isSecretWire(wire)) return false;
    if (typeof wire === "string") return wire.includes(needle);
    if (Array.isArray(wire)) return wire.some(v => plaintextContains(v, needle));
    if (typeof wire === "object" && wire !== null) return Object.values(wire).some(v => plaintextContains(v, needle));
    return false;
}

/** Does the wire form hold `needle` inside a secret wrapper? */
export function secretContains(wire: unknown, needle: string): boolean {
    if (isSecretWire(wire)) return JSON.stringify(wire).includes(needle);
    if (Array.isArray(wire)) return wire.some(v => secretContains(v, needle));
    if (typeof wire === "object" && wire !== null) return Object.values(wire).some(v => secretContains(v, needle));
    return false;
}

/** The value of an Output (or a plain value) once it resolves. */
export function valueOf<T>(o: pulumi.Input<T> | unknown): Promise<T> {
    return pulumi.Output.isInstance(o) ? new Promise<T>(resolve => (o as pulumi.Output<T>).apply(resolve)) : Promise.resolve(o as T);
}

/** Outputs a provider would compute: a RandomPassword's result, as long as asked. */
function providerOutputs(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
    if (args.type === "random:index/randomPassword:RandomPassword") {
        // Deterministic per resource and keepers: a rotation (new keepers) yields another password, as it would.
        const seed = createHash("sha256").update(`${args.name}${JSON.stringify(args.inputs.keepers ?? {})}`).digest("hex");
        return { result: `Pw${seed}${seed}`.slice(0, args.inputs.length) };
    }
    if (args.type === "kubernetes:batch/v1:Job") return { status: { succeeded: 1 } };
    return {};
}

/** The entry point reads the configuration when it runs; every other module is pure or keeps no state, so only it runs again. */
const entry = path.join(root, "index.ts");

const runs = new Map<string, Promise<Run>>();

/**
 * Runs index.ts with the stack file's config (plus overrides; `undefined` removes a key), once per distinct
 * configuration: specs share the recorded run. `secrets` defaults to the test secrets.
 */
export function runStack(stack: string, overrides: Record<string, unknown> = {}, secrets: Record<string, string> = testSecrets, options: RunOptions = {}): Promise<Run> {
    if (options.fresh) return evaluate(stack, overrides, secrets, options);
    // `undefined` removes a key: it must count in the cache key (JSON.stringify would drop it).
    const key = JSON.stringify([stack, overrides, secrets, options.deployed ?? null, options.preview ?? false], (_k, v) => (v === undefined ? "(removed)" : v));
    if (!runs.has(key)) runs.set(key, evaluate(stack, overrides, secrets, options));
    return runs.get(key)!;
}

async function evaluate(stack: string, overrides: Record<string, unknown>, secrets: Record<string, string>, options: RunOptions): Promise<Run> {
    const resources: Recorded[] = [];
    const stackReferences: string[] = [];
    let inflight = 0;
    let failure: unknown;

    await pulumi.runtime.setMocks(
        {
            newResource: args => {
                if (args.type === "pulumi:pulumi:StackReference") {
                    // A stack's outputs as the engine returns them: none yet on a first install.
                    stackReferences.push(args.inputs.name);
                    const outputs = options.deployed === undefined ? {} : { deployedShape: options.deployed };
                    return { id: args.inputs.name, state: { name: args.inputs.name, outputs, secretOutputNames: [] } };
                }
                return { id: `${args.name}-id`, state: { ...args.inputs, ...providerOutputs(args) } };
            },
            call: args => args.inputs,
        },
        PROJECT,
        stack,
        options.preview ?? false,
        // A DIY backend's organization (Pulumi Cloud's would be the account or team).
        "organization",
    );
    const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterResourceRequest, callback: (err: unknown, res: RegisterResourceResponse | undefined) => void) => {
        inflight++;
        const wire = req.getObject()?.toJavaScript() ?? {};
        const record: Recorded = {
            type: req.getType(),
            name: req.getName(),
            urn: "",
            custom: req.getCustom(),
            parent: req.getParent(),
            dependencies: req.getDependenciesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            protect: req.getProtect?.() ?? false,
            provider: req.getProvider(),
            replaceOnChanges: req.getReplaceonchangesList(),
            // As deserializeProperties does, from the wire form already decoded (it builds new values).
            inputs: Object.fromEntries(Object.entries(wire).filter(([, v]) => v !== undefined).map(([k, v]) => [k, deserializeProperty(v)])),
            wire,
        };
        return register(req, (err: unknown, res: RegisterResourceResponse | undefined) => {
            if (res) record.urn = res.getUrn();
            if (err) failure = err;
            resources.push(record);
            inflight--;
            callback(err, res);
        });
    };

    const config = stackConfig(stack, overrides);
    // The default receivers' credentials belong to stacks that declare receivers (the program warns about unused ones).
    if (secrets === testSecrets && !config[`${PROJECT}:alerting`]) secrets = { ...secrets, alertingSecrets: "{}" };
    const needed = Object.keys(secrets).map(k => `${PROJECT}:${k}`);
    for (const [k, v] of Object.entries(secrets)) config[`${PROJECT}:${k}`] = v;
    pulumi.runtime.setAllConfig(config, needed);

    const warnings: string[] = [];
    const warn = pulumi.log.warn;
    (pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (msg: string) => void warnings.push(msg);
    // The SDK records a stack trace for every promise it makes (for leak reports); with source maps on, as tsx
    // turns them on, those traces cost most of a mocked run. The program's errors keep their messages.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let outputs: Record<string, unknown>;
    try {
        delete require.cache[require.resolve(entry)];
        // index.ts exports an async program; its result is the stack's outputs.
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- re-runs the entry module under the mocks just set, after dropping it from require.cache
        const program = require(entry) as () => Promise<Record<string, unknown>>;
        outputs = await program();
        await Promise.all(Object.values(outputs).map(valueOf));
        for (let idle = 0; idle < 3; ) {
            await new Promise(r => setTimeout(r, 5));
            idle = inflight === 0 ? idle + 1 : 0;
        }
    } finally {
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = warn;
        Error.stackTraceLimit = stackTraceLimit;
    }
    if (failure) throw failure;

    return {
        stack,
        resources,
        warnings,
        stackReferences,
        outputs,
        async resolve(name: string) {
            const o = outputs[name];
            if (!pulumi.Output.isInstance(o)) return { value: o, secret: false };
            const [value, secret] = await Promise.all([valueOf(o), pulumi.isSecret(o)]);
            return { value, secret };
        },
        byType(type: string) {
            return resources.filter(r => r.type === type);
        },
        release(name: string) {
            const found = resources.find(r => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === name);
            if (!found) throw new Error(`no Helm release named ${name} in stack ${stack}`);
            return found;
        },
    };
}

/**
 * The URN the engine gives a resource: the types of all its ancestor components (the mock monitor names only the
 * parent's), then its own, below the root stack.
 */
export function engineUrn(run: Run, r: Recorded): string {
    const types: string[] = [];
    for (let p = run.resources.find(x => x.urn === r.parent); p; p = run.resources.find(x => x.urn === p!.parent)) types.unshift(p.type);
    return `urn:pulumi:${run.stack}::${PROJECT}::${[...types, r.type].join("$")}::${r.name}`;
}

/** Runs the program expecting it to fail; returns the error message. */
export async function configError(stack: string, overrides: Record<string, unknown>, secrets: Record<string, string> = testSecrets, options: RunOptions = {}): Promise<string> {
    try {
        await runStack(stack, overrides, secrets, options);
    } catch (e) {
        return e instanceof Error ? e.message : String(e);
    }
    throw new Error("expected the program to refuse the configuration");
}
