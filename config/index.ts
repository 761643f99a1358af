import * as pulumi from "@pulumi/pulumi";
import { defaultVersions } from "../components/charts";
import { alertingSecretsKey, checkAlertingSecrets } from "./alerting";
import { ConfigError } from "./reader";
import { parseSettings, RawConfig, Settings, settingKeys } from "./settings";

export { ConfigError } from "./reader";
export * from "./settings";
export * from "./alerting";

export interface Secrets {
    /** Object-storage credentials, present whenever objectStorage is configured. */
    objectStorage?: { accessKeyId: pulumi.Output<string>; secretAccessKey: pulumi.Output<string> };
    /** Receiver name -> credential, a secret Output (empty without receivers). */
    alerting: pulumi.Output<Record<string, string>>;
}

const SAFE_CREDENTIAL = /^[A-Za-z0-9/+=._~-]+$/;

export const secretKeys = { accessKeyId: "objectStorageAccessKeyId", secretAccessKey: "objectStorageSecretAccessKey" } as const;

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
    const raw: RawConfig = {};
    for (const key of settingKeys) {
        raw[key] = decode(config.get(key));
    }
    const settings = parseSettings(raw, defaultVersions);
    const alerting = () => alertingSecrets(config, settings);
    if (!settings.objectStorage) return { settings, secrets: { alerting: alerting() } };
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
        secrets: {
            alerting: alerting(),
            objectStorage: {
                accessKeyId: config.requireSecret(secretKeys.accessKeyId),
                secretAccessKey: config.requireSecret(secretKeys.secretAccessKey),
            },
        },
    };
}

/** Checks the receivers' credentials in plain text (messages never show them) and returns them as one secret. */
function alertingSecrets(config: pulumi.Config, settings: Settings): pulumi.Output<Record<string, string>> {
    const { errors, unused, credentials } = checkAlertingSecrets(settings.alerting, config.getObject<unknown>(alertingSecretsKey));
    if (errors.length > 0) throw new ConfigError(errors.join("\n"));
    if (unused.length > 0) {
        pulumi.log.warn(`${unused.map(k => `${alertingSecretsKey}.${k}`).join(", ")} name${unused.length > 1 ? "" : "s"} no receiver of alerting.receivers and ${unused.length > 1 ? "are" : "is"} ignored`);
    }
    return pulumi.secret(credentials);
}
