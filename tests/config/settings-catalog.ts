// Every setting the parser reads, found by reading the fullest configuration with a trace.
import * as path from "path";
import { defaultVersions } from "../../charts/table";
import { Values } from "../../charts/values";
import { Kind } from "../../config/reader";
import { parseSettings } from "../../config/settings";
import { stackFileConfig } from "../../config/stack-file";
import { root } from "../harness";

/** Grafana single sign-on with every key set. */
export const fullSso = {
    name: "Keycloak",
    issuer: "https://sso.example.com/realms/main",
    authUrl: "https://sso.example.com/realms/main/protocol/openid-connect/auth",
    tokenUrl: "https://sso.example.com/realms/main/protocol/openid-connect/token",
    apiUrl: "https://sso.example.com/realms/main/protocol/openid-connect/userinfo",
    clientId: "grafana",
    scopes: ["openid", "email", "profile", "groups"],
    groupsAttributePath: "groups",
    roles: { Admin: ["grafana-admins"], Editor: ["grafana-editors"], Viewer: ["grafana-viewers"] },
    allowedGroups: ["grafana-admins", "grafana-editors", "grafana-viewers"],
    allowedDomains: ["example.com"],
    disableLoginForm: true,
};

/** The optional blocks the prod stack file leaves out. */
export const optionalBlocks = {
    images: { registry: "registry.example.com/mirror", pullSecrets: ["mirror-pull"] },
};

/** The prod stack file plus every optional block, so that every setting is read. */
const full: Values = (() => {
    const config: Values = { ...stackFileConfig(path.join(root, "Pulumi.prod.yaml")), ...optionalBlocks };
    config.grafana = { ...config.grafana, sso: fullSso };
    return config;
})();

/** A copy of the fullest configuration, for a test to change. */
export const fullConfig = (): Values => structuredClone(full);

/** Every setting path the parser reads, with the kind of value it expects. */
export function allSettings(): Map<string, Kind> {
    const seen = new Map<string, Kind>();
    parseSettings(fullConfig(), defaultVersions, (path, kind) => {
        if (!seen.has(path)) seen.set(path, kind);
    });
    return seen;
}
