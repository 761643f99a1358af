import * as pulumi from "@pulumi/pulumi";
import { defaultVersions } from "../charts/table";
import { ConfigError } from "./reader";
import { checkProviderSettings, parseSettings, RawConfig, secretKeys, Settings } from "./settings";

export { ConfigError } from "./reader";
export * from "./settings";

/** Secret settings by key (`objectStorageAccessKeyId`, ...), each a Pulumi secret; present when the settings need them. */
export type Secrets = Record<string, pulumi.Output<string>>;

const SAFE_CREDENTIAL = /^[A-Za-z0-9/+=._~-]+$/;

/** Structured values arrive JSON-encoded; a plain string (a namespace) does not parse and stays a string. */
function decode(text: string | undefined): unknown {
    if (text === undefined) return undefined;
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** The only place that reads pulumi.Config. */
export function loadSettings(): { settings: Settings; secrets: Secrets } {
    const config = new pulumi.Config();
    // Every key of the project's namespace, so that an unknown one (a typo) is refused rather than ignored.
    // The secret settings are read below as secrets, never as plain settings.
    const prefix = `${pulumi.getProject()}:`;
    const secret = new Set<string>(Object.values(secretKeys));
    const raw: RawConfig = {};
    const all = pulumi.runtime.allConfig();
    for (const full of Object.keys(all)) {
        const key = full.slice(prefix.length);
        if (full.startsWith(prefix) && !secret.has(key)) raw[key] = decode(config.get(key));
    }
    checkProviderSettings(Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith("kubernetes:")).map(([k, v]) => [k.slice("kubernetes:".length), v])));
    const settings = parseSettings(raw, defaultVersions);
    if (!settings.objectStorage) return { settings, secrets: {} };
    const missing = Object.values(secretKeys).filter(k => config.getSecret(k) === undefined);
    if (missing.length > 0) {
        throw new ConfigError(
            `objectStorage is set but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} missing: ` +
                `set ${missing.length > 1 ? "them" : "it"} with \`pulumi config set --secret ${missing[0]} <value>\``,
        );
    }
    // Loki and Tempo expand the variables into their YAML config before parsing it: a character YAML gives a
    // meaning to (": ", " #", a leading "*") would break them at start-up. The value itself is never shown.
    const unsafe = Object.values(secretKeys).filter(k => !SAFE_CREDENTIAL.test(config.get(k) ?? ""));
    if (unsafe.length > 0) {
        throw new ConfigError(
            `${unsafe.join(" and ")} may only contain letters, digits and / + = . _ ~ - (Loki and Tempo read the ` +
                "credentials into their YAML configuration by environment expansion); the value is not shown",
        );
    }
    return {
        settings,
        secrets: Object.fromEntries(Object.values(secretKeys).map(k => [k, config.requireSecret(k)])),
    };
}
