import { ResourceValidationPolicy } from "@pulumi/policy";
import { forReleases, label, pathText } from "./release";

/**
 * Value keys that hold a credential, compared lower-case without "_" and "-": Grafana adminPassword and grafana.ini
 * security/database/smtp passwords and secret_key, S3 keys of Loki (secretAccessKey/accessKeyId) and Tempo
 * (secret_key/access_key), MinIO rootPassword and user secretKey, OAuth client secrets, tokens.
 */
const CREDENTIAL_KEY = /(password|passwd)$|^(secretaccesskey|accesskeyid|secretkey|accesskey|clientsecret|apikey|apitoken|token|bearertoken|sessiontoken|privatekey)$/;

/**
 * Strings that refer to a credential instead of holding it: "${ENV}" (Loki and Tempo with -config.expand-env),
 * Grafana's $__env{}/$__file{}/$__vault{} expansion, and Helm templates resolved from other values.
 */
const REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$|^\$__(env|file|vault)\{[^}]*\}$|^\{\{.*\}\}$/s;

function isCredentialKey(key: string): boolean {
    return CREDENTIAL_KEY.test(key.toLowerCase().replace(/[_-]/g, ""));
}

function isLiteral(value: unknown): boolean {
    if (typeof value === "number") return true;
    return typeof value === "string" && value.trim() !== "" && !REFERENCE.test(value.trim());
}

/** Key paths in `values` that hold a literal credential. */
export function literalCredentials(values: unknown, path: (string | number)[] = []): (string | number)[][] {
    if (Array.isArray(values)) return values.flatMap((v, i) => literalCredentials(v, [...path, i]));
    if (typeof values !== "object" || values === null) return [];
    return Object.entries(values).flatMap(([k, v]) =>
        isCredentialKey(k) && isLiteral(v) ? [[...path, k]] : literalCredentials(v, [...path, k]));
}

export const noPlaintextCredentials: ResourceValidationPolicy = {
    name: "no-plaintext-credentials",
    description: "No Helm release carries a credential in its values: Helm keeps the values in plain text in the release "
        + "Secret in the cluster, even when Pulumi marks them secret.",
    remediationSteps:
        "Put the credential in a Kubernetes Secret and reference it: Grafana admin.existingSecret, envFromSecret or "
        + "$__file{}/$__env{} in grafana.ini; Loki and Tempo object-storage keys as \"${AWS_ACCESS_KEY_ID}\"-style references "
        + "with -config.expand-env=true and extraEnvFrom; MinIO existingSecret.",
    severity: "critical",
    validateResource: forReleases("all", (r, _args, report) => {
        for (const path of literalCredentials(r.values)) {
            // The message names the key only: the value is the secret.
            report(`${label(r)}: ${pathText(path)} holds a literal credential, which Helm stores in plain text in the release Secret`);
        }
    }),
};
