// A stack file's settings without the Pulumi runtime: for `npm run render`, the promtool inputs and tests.
import * as fs from "fs";
import { parse } from "yaml";
import { defaultVersions } from "../charts/table";
import { checkProviderSettings, parseSettings, RawConfig, Settings } from "./settings";

export const PROJECT = "monitoring-stack";

type StackFile = { config?: Record<string, unknown> } | null;
const parsed = new Map<string, StackFile>();

/** A stack file's document, parsed once per distinct text (tests and scripts read the same files many times); a copy to change. */
export function readStackFile(file: string): StackFile {
    const text = fs.readFileSync(file, "utf8");
    if (!parsed.has(text)) parsed.set(text, parse(text) as StackFile);
    return structuredClone(parsed.get(text)!);
}

/** The project's keys of a stack file's `config:` (without the `monitoring-stack:` prefix), with overrides; `undefined` removes a key. */
export function stackFileConfig(file: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const doc = readStackFile(file);
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(doc?.config ?? {})) {
        if (key.startsWith(`${PROJECT}:`)) config[key.slice(PROJECT.length + 1)] = value;
    }
    for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) delete config[key];
        else config[key] = value;
    }
    return config;
}

/** A stack file's `kubernetes:` keys (the provider's settings), without the prefix. */
export function providerConfig(file: string): Record<string, unknown> {
    const doc = readStackFile(file);
    return Object.fromEntries(Object.entries(doc?.config ?? {}).filter(([k]) => k.startsWith("kubernetes:")).map(([k, v]) => [k.slice("kubernetes:".length), v]));
}

/** Parses and validates a stack file's settings as `pulumi up` would (secret settings are not read). */
export function settingsFromStackFile(file: string, overrides: Record<string, unknown> = {}): Settings {
    checkProviderSettings(providerConfig(file));
    return parseSettings(stackFileConfig(file, overrides) as RawConfig, defaultVersions);
}
