import * as pulumi from "@pulumi/pulumi";
import { defaultVersions } from "../charts/table";
import { alertingSecretsKey, checkAlertingSecrets } from "./alerting";
import { ConfigError } from "./reader";
import { allSecretKeys, checkProviderSettings, parseSettings, RawConfig, secretKeys, Settings, ssoSecretKey } from "./settings";

export { ConfigError } from "./reader";
export * from "./settings";
export * from "./alerting";

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
    const secret = new Set<string>(allSecretKeys);
    const raw: RawConfig = {};
    const all = pulumi.runtime.allConfig();
    for (const full of Object.keys(all)) {
        const key = full.slice(prefix.length);
        if (full.startsWith(prefix) && !secret.has(key)) raw[key] = decode(config.get(key));
    }
    checkProviderSettings(Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith("kubernetes:")).map(([k, v]) => [k.slice("kubernetes:".length), v])));
    const settings = parseSettings(raw, defaultVersions);
    // Grafana's OAuth client secret reaches it through a Secret and $__file{}, never through values.
    const sso: Secrets = {};
    if (settings.grafana.sso) {
        if (config.getSecret(ssoSecretKey) === undefined) {
            throw new ConfigError(`grafana.sso is set but ${ssoSecretKey} is missing: set it with \`pulumi config set --secret ${ssoSecretKey} <client secret>\``);
        }
        sso[ssoSecretKey] = config.requireSecret(ssoSecretKey);
    }
    if (!settings.objectStorage) return { settings, secrets: { ...sso, ...alertingSecrets(config, settings) } };
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
        secrets: { ...sso, ...alertingSecrets(config, settings), ...Object.fromEntries(Object.values(secretKeys).map(k => [k, config.requireSecret(k)])) },
    };
}

/** Checks the receivers' credentials in plain text (messages never show them); each becomes the secret `alertingSecrets.<receiver>`. */
function alertingSecrets(config: pulumi.Config, settings: Settings): Secrets {
    const { errors, unused, credentials } = checkAlertingSecrets(settings.alerting, config.getObject<unknown>(alertingSecretsKey));
    if (errors.length > 0) throw new ConfigError(errors.join("\n"));
    if (unused.length > 0) {
        pulumi.log.warn(`${unused.map(k => `${alertingSecretsKey}.${k}`).join(", ")} name${unused.length > 1 ? "" : "s"} no receiver of alerting.receivers and ${unused.length > 1 ? "are" : "is"} ignored`);
    }
    return Object.fromEntries(Object.entries(credentials).map(([receiver, value]) => [`${alertingSecretsKey}.${receiver}`, pulumi.secret(value)]));
}
