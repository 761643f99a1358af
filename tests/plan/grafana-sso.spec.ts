// Grafana single sign-on (generic OAuth / OpenID Connect): settings refused by name, grafana.ini built
// from them, the client secret only in a Secret read through $__file{}, and the egress to the provider.
import { strict as assert } from "assert";
import * as path from "path";
import { defaultVersions } from "../../charts/table";
import { parseSettings, RawConfig } from "../../config/settings";
import { settingsFromStackFile } from "../../config/stack-file";
import { plan } from "../../plan";
import { networkPolicySpecs } from "../../plan/guardrails/network-policies";
import { chartPods } from "../chart-pods";
import { configError, plaintextContains, root, runStack, secretContains, stackConfig, testSecrets } from "../harness";
import { literalCredentials } from "../../policy/secrets";
import { evaluate } from "../pss";
import { fullSso } from "../config/settings-catalog";

const keycloak = { issuer: "https://sso.example.com/realms/main", clientId: "grafana", roles: { Admin: ["grafana-admins"], Editor: ["grafana-editors"] } };
const refused = (sso: unknown) => {
    try {
        parseSettings({ grafana: { sso } } as RawConfig, defaultVersions);
    } catch (e) {
        return (e as Error).message;
    }
    return assert.fail("accepted");
};
const grafanaOf = (stack: string, sso: unknown) => {
    const grafana = JSON.parse(stackConfig(stack)["monitoring-stack:grafana"]);
    return plan(settingsFromStackFile(path.join(root, `Pulumi.${stack}.yaml`), { grafana: { ...grafana, sso } }));
};
const CLIENT_SECRET = "sso-client-secret-0123456789";

describe("Grafana single sign-on", () => {
    describe("settings", () => {
        it("refuses a configuration without issuer or endpoints, naming the key", () => {
            assert.match(refused({ clientId: "grafana" }), /grafana\.sso\.issuer is required \(or grafana\.sso\.authUrl, tokenUrl and apiUrl\)/);
        });

        it("refuses an unknown role by name, with the right one suggested", () => {
            assert.match(refused({ ...keycloak, roles: { Admn: ["ops"] } }), /grafana\.sso\.roles\.Admn is not a known setting \(did you mean "grafana\.sso\.roles\.Admin"\?\)/);
            assert.match(refused({ ...keycloak, roles: { Owner: ["ops"] } }), /grafana\.sso\.roles\.Owner is not a known setting/);
        });

        it("refuses a missing client ID and group names that would break the role expression", () => {
            assert.match(refused({ issuer: keycloak.issuer }), /grafana\.sso\.clientId is required/);
            assert.match(refused({ ...keycloak, roles: { Admin: ["it's"] } }), /grafana\.sso\.roles\.Admin must be a list of group names/);
        });

        it("derives the endpoints of a Keycloak realm, and needs them given for any other issuer", () => {
            const s = parseSettings({ grafana: { sso: keycloak } } as RawConfig, defaultVersions).grafana.sso!;
            assert.equal(s.authUrl, "https://sso.example.com/realms/main/protocol/openid-connect/auth");
            assert.equal(s.tokenUrl, "https://sso.example.com/realms/main/protocol/openid-connect/token");
            assert.equal(s.apiUrl, "https://sso.example.com/realms/main/protocol/openid-connect/userinfo");
            assert.match(refused({ issuer: "https://login.example.com", clientId: "grafana" }), /grafana\.sso\.authUrl, tokenUrl, apiUrl are required: Grafana's generic OAuth does not discover endpoints/);
            const given = parseSettings({ grafana: { sso: { clientId: "g", authUrl: "https://a.example.com/auth", tokenUrl: "https://a.example.com/token", apiUrl: "https://a.example.com/me" } } } as RawConfig, defaultVersions);
            assert.equal(given.grafana.sso!.apiUrl, "https://a.example.com/me");
        });
    });

    describe("grafana.ini", () => {
        const prod = grafanaOf("prod", fullSso);
        const v = prod.releases.find(r => r.name === "grafana")!.values;
        const ini = v["grafana.ini"];

        it("configures generic OAuth with roles from groups", () => {
            const oauth = ini["auth.generic_oauth"];
            assert.equal(oauth.enabled, true);
            assert.equal(oauth.client_id, "grafana");
            assert.equal(oauth.auth_url, fullSso.authUrl);
            assert.equal(oauth.token_url, fullSso.tokenUrl);
            assert.equal(oauth.api_url, fullSso.apiUrl);
            assert.equal(oauth.scopes, "openid email profile groups");
            assert.equal(oauth.role_attribute_path,
                "(contains(groups[*], 'grafana-admins')) && 'Admin' || (contains(groups[*], 'grafana-editors')) && 'Editor' || (contains(groups[*], 'grafana-viewers')) && 'Viewer'");
            assert.equal(oauth.role_attribute_strict, true, "Viewer groups listed: users in none of them are refused");
            assert.equal(oauth.allowed_groups, "grafana-admins,grafana-editors,grafana-viewers");
            assert.equal(oauth.allowed_domains, "example.com");
            assert.deepEqual(ini.auth, { disable_login_form: true });
        });

        it("gives users outside the mapped groups Viewer when no Viewer groups are listed", () => {
            const oauth = grafanaOf("dev", keycloak).releases.find(r => r.name === "grafana")!.values["grafana.ini"]["auth.generic_oauth"];
            assert.match(oauth.role_attribute_path, / \|\| 'Viewer'$/);
            assert.equal(oauth.role_attribute_strict, false);
        });

        it("keeps the client secret out of grafana.ini: $__file{} of a mounted Secret", () => {
            assert.equal(ini["auth.generic_oauth"].client_secret, "$__file{/etc/secrets/grafana-sso/client-secret}");
            assert.deepEqual(v.extraSecretMounts, [{ name: "grafana-sso", secretName: "grafana-sso", defaultMode: 0o440, mountPath: "/etc/secrets/grafana-sso", readOnly: true }]);
            const secret = prod.objects.find(o => o.kind === "Secret" && o.metadata.name === "grafana-sso")!;
            assert.deepEqual(secret.body.stringData, { "client-secret": { secretSetting: "grafanaSsoClientSecret" } });
            assert.equal(secret.owner, "grafana", "created with Grafana, before its release");
            assert.deepEqual(literalCredentials(v), [], "the policy pack finds no literal credential");
        });

        it("turns anonymous access off and secures cookies where Grafana has TLS", () => {
            assert.deepEqual(ini["auth.anonymous"], { enabled: false });
            assert.equal(ini.security.cookie_secure, true, "prod: TLS through cert-manager");
            const dev = grafanaOf("dev", keycloak).releases.find(r => r.name === "grafana")!.values["grafana.ini"];
            assert.equal(dev.security.cookie_secure, false, "dev: plain HTTP inside the cluster");
            assert.equal(dev["auth.anonymous"].enabled, false);
        });

        it("keeps Grafana's pod restricted with the secret volume", () => {
            const pod = chartPods(prod.releases.find(r => r.name === "grafana")!)[0];
            assert.ok(pod.spec.volumes.some((x: { secret?: unknown }) => x.secret));
            assert.equal(evaluate(pod.spec).level, "restricted");
        });

        it("lets Grafana reach the provider's token and user-info endpoints through its egress policy", () => {
            const s = settingsFromStackFile(path.join(root, "Pulumi.dev.yaml"), { grafana: { downloadDashboards: false, sso: { ...keycloak, issuer: "https://sso.example.com:8443/realms/main" } } });
            const egress = networkPolicySpecs(s).find(p => p.name === "grafana-egress")!.spec.egress!;
            const internet = egress.find(r => r.to?.some(p => "ipBlock" in p))!.ports!.map(p => p.port);
            assert.deepEqual(internet, [6443, 8443]);
        });

        it("leaves grafana.ini without OAuth when grafana.sso is unset", () => {
            const plain = plan(settingsFromStackFile(path.join(root, "Pulumi.prod.yaml"))).releases.find(r => r.name === "grafana")!.values;
            assert.equal(plain["grafana.ini"]["auth.generic_oauth"], undefined);
            assert.equal(plain.extraSecretMounts, undefined);
        });
    });

    describe("under mocks", function () {
        this.timeout(60000);
        const withSso = () => {
            const grafana = JSON.parse(stackConfig("prod")["monitoring-stack:grafana"]);
            return { grafana: { ...grafana, sso: fullSso } };
        };

        it("stores the client secret as a Pulumi secret in the grafana-sso Secret and nowhere in plaintext", async () => {
            const run = await runStack("prod", withSso(), { ...testSecrets, grafanaSsoClientSecret: CLIENT_SECRET });
            const secret = run.byType("kubernetes:core/v1:Secret").find(r => r.inputs.metadata.name === "grafana-sso")!;
            assert.ok(secretContains(secret.wire, CLIENT_SECRET));
            for (const r of run.resources) assert.equal(plaintextContains(r.wire, CLIENT_SECRET), false, `${r.type} ${r.name}`);
            assert.ok(run.release("grafana").dependencies.includes(secret.urn), "Grafana's release waits for the Secret it mounts");
        });

        it("refuses grafana.sso without the secret setting, naming it", async () => {
            const message = await configError("prod", withSso());
            assert.match(message, /grafana\.sso is set but grafanaSsoClientSecret is missing: set it with `pulumi config set --secret grafanaSsoClientSecret <client secret>`/);
        });
    });
});
