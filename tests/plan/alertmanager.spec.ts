// Alert delivery: the Alertmanager configuration the program writes, the Secret that holds it and how
// kube-prometheus-stack finds it. amtool's checks of the same text are in amtool.spec.ts.
import { strict as assert } from "assert";
import { parse } from "yaml";
import { Values } from "../../charts/values";
import { defaultVersions } from "../../charts/table";
import { parseSettings, RawConfig } from "../../config/settings";
import { secretToken } from "../../plan";
import {
    alertingSummary, alertmanagerConfig, alertmanagerConfigKey, alertmanagerSecret as plannedSecret, alertmanagerSecretName, DEAD_MANS_SWITCH, NULL_RECEIVER,
} from "../../plan/alerting/alertmanager-config";
import { standInCredentials, stackAlerting } from "../../scripts/amtool";
import { alertingTestCredentials, plaintextContains, Run, runStack, secretContains, stackConfig, testSecrets, valueOf } from "../harness";

const SECRET = "kubernetes:core/v1:Secret";
const alertmanagerSecret = (run: Run) => run.byType(SECRET).find(r => r.inputs.metadata.name === alertmanagerSecretName);
/** The Secret's data: the provider marks all of stringData secret, so the recorded input is still wrapped. */
const configText = (run: Run): string => {
    const data = alertmanagerSecret(run)!.inputs.stringData;
    return (data[alertmanagerConfigKey] ?? data.value?.[alertmanagerConfigKey]) as string;
};

/** Runs a stack and returns the warnings the program logged. */
async function warningsOf(stack: string, overrides: Record<string, unknown> = {}): Promise<{ run: Run; warnings: string[] }> {
    const run = await runStack(stack, overrides);
    return { run, warnings: run.warnings };
}

describe("the Alertmanager configuration", () => {
    const prod = stackAlerting("prod");
    const config = alertmanagerConfig(prod, standInCredentials(prod));

    it("sends the Watchdog first to the dead man's switch: at once, every repeatInterval, never resolved", () => {
        const [watchdog] = config.route.routes!;
        assert.deepEqual(watchdog, {
            receiver: DEAD_MANS_SWITCH, matchers: ['alertname="Watchdog"'], group_by: ["alertname"],
            group_wait: "0s", group_interval: "1m", repeat_interval: "1m",
        });
        const dms = config.receivers.find(r => r.name === DEAD_MANS_SWITCH)!;
        assert.deepEqual(dms.webhook_configs, [{ url: standInCredentials(prod).heartbeat, send_resolved: false }]);
    });

    it("routes by severity, every receiver of a list notified, the rest to the default receiver", () => {
        const severity = config.route.routes!.filter(r => r.matchers?.[0]?.startsWith("severity"));
        assert.deepEqual(severity.map(r => [r.matchers, r.receiver, r.continue ?? false]), [
            [['severity="critical"'], "oncall", true],
            [['severity="critical"'], "chat", false],
            [['severity="warning"'], "chat", false],
        ]);
        assert.equal(config.route.receiver, "mail");
        assert.deepEqual(
            [config.route.group_by, config.route.group_wait, config.route.group_interval, config.route.repeat_interval],
            [["namespace", "alertname"], "30s", "5m", "4h"],
        );
    });

    it("writes each kind's credential inline, in Alertmanager 0.25's field names", () => {
        const creds = standInCredentials(prod);
        const rx = (name: string) => config.receivers.find(r => r.name === name)!;
        assert.equal(rx("oncall").pagerduty_configs![0].routing_key, creds.oncall);
        assert.equal(rx("chat").slack_configs![0].api_url, creds.chat);
        assert.equal(rx("chat").slack_configs![0].channel, "#alerts");
        assert.equal(rx("mail").email_configs![0].auth_password, creds.mail);
        assert.equal(rx("heartbeat").webhook_configs![0].url, creds.heartbeat);
        const text = JSON.stringify(config);
        assert.doesNotMatch(text, /_file"/, "no *_file field: amtool 0.25 rejects webhook url_file");
    });

    it("fans out a default of several receivers and sends the Watchdog nowhere without a dead man's switch", () => {
        const s = parseSettings({
            alerting: {
                receivers: { a: { webhook: {} }, b: { slack: {} } },
                routes: { default: ["a", "b"] },
            },
        }, defaultVersions).alerting;
        const c = alertmanagerConfig(s, { a: "https://a.example.com/", b: "https://hooks.slack.com/services/x" });
        assert.equal(c.route.receiver, NULL_RECEIVER);
        const routes = c.route.routes!;
        assert.deepEqual(routes[0], { receiver: NULL_RECEIVER, matchers: ['alertname="Watchdog"'] });
        assert.deepEqual(routes.slice(-2), [{ receiver: "a", continue: true }, { receiver: "b" }]);
    });

    it("without receivers is kube-prometheus-stack's null configuration", () => {
        const none = parseSettings({}, defaultVersions).alerting;
        const c = alertmanagerConfig(none, {});
        assert.equal(c.route.receiver, NULL_RECEIVER);
        assert.deepEqual(c.receivers, [{ name: NULL_RECEIVER }]);
    });

    it("summarizes receivers, routes and the dead man's switch without credentials", () => {
        assert.deepEqual(alertingSummary(prod), {
            "monitoring-stack/alert-receivers": "oncall=pagerduty,chat=slack,mail=email,heartbeat=webhook",
            "monitoring-stack/alert-routes": "critical=oncall+chat,warning=chat,default=mail",
            "monitoring-stack/dead-mans-switch": "heartbeat every 1m",
        });
    });
});

describe("the Alertmanager configuration Secret under mocks", function () {
    this.timeout(60000);
    let prod: Run;
    let prodWarnings: string[];
    let dev: { run: Run; warnings: string[] };
    before(async () => {
        ({ run: prod, warnings: prodWarnings } = await warningsOf("prod"));
        dev = await warningsOf("dev");
    });

    it("is what kube-prometheus-stack reads, and the chart renders no Secret of its own", () => {
        for (const run of [prod, dev.run]) {
            const spec = run.release("kube-prometheus-stack").inputs.values.alertmanager.alertmanagerSpec;
            assert.equal(spec.configSecret, alertmanagerSecretName);
            assert.equal(spec.useExistingSecret, true);
            const secret = alertmanagerSecret(run)!;
            assert.equal(secret.inputs.metadata.namespace, "monitoring-stack");
            assert.ok(typeof configText(run) === "string");
        }
    });

    it("holds the whole configuration, credentials inline, only as a Pulumi secret", async () => {
        const secret = alertmanagerSecret(prod)!;
        const parsed = parse(configText(prod));
        assert.equal(parsed.receivers.find((r: Values) => r.name === "chat").slack_configs[0].api_url, alertingTestCredentials.chat);
        for (const value of Object.values(alertingTestCredentials)) {
            assert.ok(secretContains(secret.wire, value), "the credential is in the Secret, as a secret");
            for (const r of prod.resources) assert.ok(!plaintextContains(r.wire, value), `${r.type} ${r.name} leaks an alerting credential`);
            for (const [name, output] of Object.entries(prod.outputs)) {
                assert.ok(!JSON.stringify(await valueOf(output) ?? "").includes(value), `output ${name} leaks an alerting credential`);
            }
        }
    });

    it("keeps a credential that YAML would read otherwise as exactly that text (filled in as a quoted scalar)", async () => {
        const awkward: Record<string, string> = { ...alertingTestCredentials, mail: `"quoted"{x}[y]&*#\\n-ü` };
        const run = await runStack("prod", {}, { ...testSecrets, alertingSecrets: JSON.stringify(awkward) });
        const parsed = parse(configText(run));
        assert.equal(parsed.receivers.find((r: Values) => r.name === "mail").email_configs[0].auth_password, awkward.mail);
        assert.equal(parsed.receivers.find((r: Values) => r.name === "oncall").pagerduty_configs[0].routing_key, awkward.oncall);
    });

    it("logs no credential and no warning in prod, which declares its receivers", () => {
        assert.deepEqual(prodWarnings, []);
    });

    it("carries the non-secret summary the policy pack checks", () => {
        assert.equal(alertmanagerSecret(prod)!.inputs.metadata.annotations["monitoring-stack/dead-mans-switch"], "heartbeat every 1m");
        assert.equal(alertmanagerSecret(dev.run)!.inputs.metadata.annotations["monitoring-stack/alert-receivers"], "");
    });

    it("deploys dev without receivers and warns once that alerts are delivered nowhere", () => {
        const nowhere = dev.warnings.filter(w => /delivered nowhere/.test(w));
        assert.equal(nowhere.length, 1, dev.warnings.join("\n"));
        assert.match(nowhere[0], /pulumi config set --secret --path alertingSecrets\.<receiver>/);
        assert.deepEqual(parse(configText(dev.run)).receivers, [{ name: NULL_RECEIVER }]);
    });

    it("changes in place on day 2: new routes change the Secret's data only, not kube-prometheus-stack's values", async () => {
        const alerting = JSON.parse(stackConfig("prod")["monitoring-stack:alerting"]);
        const changed = await runStack("prod", { alerting: { ...alerting, routes: { critical: "oncall", default: "chat" }, repeatInterval: "2h" } });
        assert.deepEqual(changed.release("kube-prometheus-stack").inputs.values, prod.release("kube-prometheus-stack").inputs.values);
        const before = alertmanagerSecret(prod)!;
        const after = alertmanagerSecret(changed)!;
        assert.equal(after.urn, before.urn);
        assert.deepEqual(after.inputs.metadata.name, before.inputs.metadata.name);
        assert.notEqual(configText(changed), configText(prod));
    });

    it("is not created for an external Prometheus or without Alertmanager, and nothing warns then", async () => {
        const external = await warningsOf("dev", { prometheus: { mode: "external", url: "http://prometheus.obs.svc:9090" } });
        assert.equal(alertmanagerSecret(external.run), undefined);
        assert.deepEqual(external.warnings.filter(w => /delivered nowhere/.test(w)), []);
        const cfg = JSON.parse(stackConfig("dev")["monitoring-stack:prometheus"]);
        const off = await runStack("dev", { prometheus: { ...cfg, alertmanager: { enabled: false } } });
        assert.equal(alertmanagerSecret(off), undefined);
    });
});

describe("the Alertmanager Secret in the plan", () => {
    // Receiver names where one is the start of another: their placeholders must not be.
    const alerting = {
        receivers: { on: { webhook: {} }, oncall: { pagerduty: {} } },
        routes: { critical: "oncall", default: "on" },
    };
    const planned = plannedSecret(parseSettings({ alerting } as RawConfig, defaultVersions))[0];
    const ref = planned.body.stringData[alertmanagerConfigKey] as { template: string; secretSettings: string[] };

    it("holds placeholders, never a credential: one per receiver's secret setting, none the start of another", () => {
        assert.deepEqual(ref.secretSettings, ["alertingSecrets.on", "alertingSecrets.oncall"]);
        const tokens = ref.secretSettings.map(secretToken);
        for (const a of tokens) for (const b of tokens) if (a !== b) assert.ok(!b.includes(a), `${a} is inside ${b}`);
    });

    it("writes each placeholder as a plain YAML value, so the filled-in quoted credential is one scalar", () => {
        for (const token of ref.secretSettings.map(secretToken)) {
            assert.match(ref.template, new RegExp(`: ${token}$`, "m"), token);
            assert.equal(ref.template.split(token).length, 2, `${token} appears once`);
        }
    });
});
