import * as pulumi from "@pulumi/pulumi";
import { defaultVersions } from "../components/charts";
import { ConfigError } from "./reader";
import { parseSettings, RawConfig, Settings, settingKeys } from "./settings";

export { ConfigError } from "./reader";
export * from "./settings";

export interface Secrets {
    /** Object-storage credentials, present whenever objectStorage is configured. */
    objectStorage?: { accessKeyId: pulumi.Output<string>; secretAccessKey: pulumi.Output<string> };
}

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
    if (!settings.objectStorage) return { settings, secrets: {} };
    const missing = Object.values(secretKeys).filter(k => config.getSecret(k) === undefined);
    if (missing.length > 0) {
        throw new ConfigError(
            `objectStorage is set but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} missing: ` +
                `set ${missing.length > 1 ? "them" : "it"} with \`pulumi config set --secret ${missing[0]} <value>\``,
        );
    }
    return {
        settings,
        secrets: {
            objectStorage: {
                accessKeyId: config.requireSecret(secretKeys.accessKeyId),
                secretAccessKey: config.requireSecret(secretKeys.secretAccessKey),
            },
        },
    };
}
