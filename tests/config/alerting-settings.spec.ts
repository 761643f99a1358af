// The `alerting` settings and the `alertingSecrets` secret: parsed, defaulted, refused by name.
import { strict as assert } from "assert";
import { Values } from "../../charts/values";
import { defaultVersions } from "../../charts/table";
import { checkAlertingSecrets } from "../../config/alerting";
import { parseSettings, RawConfig } from "../../config/settings";
import { alertingTestCredentials, configError, testSecrets } from "../harness";

/** The example of issue 12. */
const example = {
    receivers: {
        oncall: { pagerduty: {} },
        chat: { slack: { channel: "#alerts" } },
        mail: { email: { to: "ops@example.com", from: "alertmanager@example.com", smarthost: "smtp.example.com:587" } },
        hooks: { webhook: {} },
    },
    routes: { critical: "oncall", warning: "chat", default: "chat" },
    deadMansSwitch: { receiver: "hooks", repeatInterval: "1m" },
};

const parse = (alerting: unknown, extra: RawConfig = {}) => parseSettings({ ...extra, alerting }, defaultVersions).alerting;

function refused(alerting: unknown, extra: RawConfig = {}): string {
    try {
        parse(alerting, extra);
    } catch (e) {
        assert.equal((e as Error).name, "ConfigError");
        return (e as Error).message;
    }
    throw new Error(`accepted ${JSON.stringify(alerting)}`);
}

const withAlerting = (patch: (a: Values) => void) => {
    const a = structuredClone(example) as Values;
    patch(a);
    return a;
};

describe("alerting settings", () => {
    it("read the issue's example: receivers in order, routes by severity, default and dead man's switch", () => {
        const a = parse(example);
        assert.deepEqual(a.receivers.map(r => [r.name, r.kind]), [["oncall", "pagerduty"], ["chat", "slack"], ["mail", "email"], ["hooks", "webhook"]]);
        assert.deepEqual(a.routes, [{ severity: "critical", receivers: ["oncall"] }, { severity: "warning", receivers: ["chat"] }]);
        assert.deepEqual(a.defaultReceivers, ["chat"]);
        assert.deepEqual(a.deadMansSwitch, { receiver: "hooks", repeatInterval: "1m" });
        const mail = a.receivers.find(r => r.kind === "email")!;
        assert.deepEqual(mail, {
            name: "mail", kind: "email", sendResolved: true, to: "ops@example.com", from: "alertmanager@example.com",
            smarthost: "smtp.example.com:587", authUsername: "alertmanager@example.com", requireTls: true,
        });
    });

    it("default to no receivers, Alertmanager's grouping and no dead man's switch", () => {
        const a = parse(undefined);
        assert.deepEqual(a, {
            receivers: [], routes: [], defaultReceivers: [],
            grouping: { by: ["namespace", "alertname"], wait: "30s", interval: "5m", repeatInterval: "4h" },
            deadMansSwitch: undefined,
        });
    });

    it("take several receivers per route, grouping, send_resolved and Opsgenie", () => {
        const a = parse(withAlerting(x => {
            x.receivers.genie = { opsgenie: { apiUrl: "https://api.eu.opsgenie.com/" } };
            x.receivers.chat.slack.sendResolved = false;
            x.routes = { critical: ["oncall", "genie"], info: "mail", default: ["chat", "mail"] };
            Object.assign(x, { groupBy: ["alertname"], groupWait: "10s", groupInterval: "1m", repeatInterval: "1h" });
        }));
        assert.deepEqual(a.routes, [{ severity: "critical", receivers: ["oncall", "genie"] }, { severity: "info", receivers: ["mail"] }]);
        assert.deepEqual(a.defaultReceivers, ["chat", "mail"]);
        assert.deepEqual(a.grouping, { by: ["alertname"], wait: "10s", interval: "1m", repeatInterval: "1h" });
        assert.equal(a.receivers.find(r => r.name === "chat")!.sendResolved, false);
        assert.deepEqual(a.receivers.find(r => r.name === "genie"), { name: "genie", kind: "opsgenie", sendResolved: true, apiUrl: "https://api.eu.opsgenie.com/" });
    });

    const cases: [string, unknown, string][] = [
        ["a route to an unknown receiver", withAlerting(x => (x.routes.critical = "nobody")),
            'alerting.routes.critical: "nobody" is not a receiver; known: oncall, chat, mail, hooks'],
        ["an unknown receiver in a list", withAlerting(x => (x.routes.default = ["chat", "nobdy"])),
            'alerting.routes.default: "nobdy" is not a receiver; known: oncall, chat, mail, hooks'],
        ["a dead man's switch to an unknown receiver", withAlerting(x => (x.deadMansSwitch.receiver = "hook")),
            'alerting.deadMansSwitch.receiver: "hook" is not a receiver; known: oncall, chat, mail, hooks'],
        ["a receiver without a kind", withAlerting(x => (x.receivers.hooks = {})),
            "alerting.receivers.hooks must have exactly one kind (pagerduty, slack, email, webhook, opsgenie), got none"],
        ["a receiver with two kinds", withAlerting(x => (x.receivers.chat.email = x.receivers.mail.email)),
            "alerting.receivers.chat must have exactly one kind (pagerduty, slack, email, webhook, opsgenie), got slack and email"],
        ["a misspelt kind", withAlerting(x => (x.receivers.oncall = { pagerdutty: {} })),
            'alerting.receivers.oncall.pagerdutty is not a known setting (did you mean "alerting.receivers.oncall.pagerduty"?)'],
        ["a malformed email address", withAlerting(x => (x.receivers.mail.email.to = "ops.example.com")),
            'alerting.receivers.mail.email.to must be an email address like "ops@example.com" (several separated by commas), got "ops.example.com"'],
        ["a smarthost without port", withAlerting(x => (x.receivers.mail.email.smarthost = "smtp.example.com")),
            'alerting.receivers.mail.email.smarthost must be an SMTP host:port like "smtp.example.com:587", got "smtp.example.com"'],
        ["an email receiver without a sender", withAlerting(x => delete x.receivers.mail.email.from),
            "alerting.receivers.mail.email.from is required"],
        ["a malformed interval", withAlerting(x => (x.deadMansSwitch.repeatInterval = "1 minute")),
            'alerting.deadMansSwitch.repeatInterval must be a duration like "1m", got "1 minute"'],
        ["a Go-style fractional interval", withAlerting(x => (x.repeatInterval = "1.5h")),
            'alerting.repeatInterval must be a duration like "4h", got "1.5h"'],
        ["a zero group interval", withAlerting(x => (x.groupInterval = "0s")), 'alerting.groupInterval must be longer than 0, got "0s"'],
        ["a repeat interval shorter than the group interval", withAlerting(x => Object.assign(x, { groupInterval: "10m", repeatInterval: "5m" })),
            "alerting.repeatInterval (5m) must not be shorter than alerting.groupInterval (10m)"],
        ["receivers without a default route", withAlerting(x => delete x.routes.default), "alerting.routes.default is required when receivers are declared"],
        ["an unknown severity", withAlerting(x => (x.routes.crtical = "oncall")),
            'alerting.routes.crtical is not a known setting (did you mean "alerting.routes.critical"?)'],
        ["a reserved receiver name", withAlerting(x => (x.receivers.null = { webhook: {} })), 'alerting.receivers.null: the name "null" is reserved'],
        ["an upper-case receiver name", withAlerting(x => (x.receivers.OnCall = { pagerduty: {} })),
            "alerting.receivers.OnCall: a receiver name must be lower-case letters, digits, '-' or '_'"],
        ["a receiver named twice in a route", withAlerting(x => (x.routes.warning = ["chat", "chat"])), 'alerting.routes.warning names a receiver twice: ["chat","chat"]'],
        ["a dead man's switch without receiver", withAlerting(x => delete x.deadMansSwitch.receiver), "alerting.deadMansSwitch.receiver is required"],
        ["a route to a list for the dead man's switch", withAlerting(x => (x.deadMansSwitch.receiver = ["hooks"])),
            'alerting.deadMansSwitch.receiver must be a receiver name, got ["hooks"]'],
    ];
    for (const [what, alerting, message] of cases) {
        it(`refuses ${what}`, () => {
            const text = refused(alerting);
            assert.ok(text.includes(message), `expected "${message}" in:\n${text}`);
        });
    }

    it("refuses receivers when the stack runs no Alertmanager of its own", () => {
        for (const prometheus of [{ mode: "external", url: "http://prom.obs.svc:9090" }, { alertmanager: { enabled: false } }]) {
            assert.match(refused(example, { prometheus }), /alerting\.receivers and alerting\.deadMansSwitch need the stack's own Alertmanager/);
        }
        assert.doesNotThrow(() => parse(undefined, { prometheus: { alertmanager: { enabled: false } } }));
    });
});

describe("alertingSecrets", () => {
    const settings = parse(example);
    const good = { oncall: "0123456789abcdef0123456789abcdef", chat: "https://hooks.slack.com/services/T0/B0/x", mail: "pw", hooks: "https://hc-ping.com/u" };

    it("give every receiver its credential", () => {
        assert.deepEqual(checkAlertingSecrets(settings, good), { errors: [], unused: [], credentials: good });
    });

    it("name a missing secret with the command that sets it", () => {
        const { errors } = checkAlertingSecrets(settings, { ...good, oncall: undefined });
        assert.deepEqual(errors, [
            "alertingSecrets.oncall is missing: receiver oncall (pagerduty) needs its PagerDuty Events API v2 routing key; " +
                "set it with `pulumi config set --secret --path alertingSecrets.oncall <PagerDuty Events API v2 routing key>`",
        ]);
    });

    it("refuse a credential of the wrong shape without showing it", () => {
        const { errors } = checkAlertingSecrets(settings, { ...good, chat: "http://hooks.slack.com/leaked-value", hooks: "not a url" });
        assert.equal(errors.length, 2);
        assert.match(errors[0], /^alertingSecrets\.chat must be an https URL/);
        assert.match(errors[1], /^alertingSecrets\.hooks must be an http\(s\) URL/);
        assert.ok(errors.every(e => !e.includes("leaked-value") && !e.includes("not a url")), errors.join("\n"));
    });

    it("report keys that name no receiver", () => {
        assert.deepEqual(checkAlertingSecrets(settings, { ...good, chatt: "x" }).unused, ["chatt"]);
    });

    it("stop the prod preview when a receiver's secret is missing", async () => {
        const rest = { ...alertingTestCredentials };
        delete rest.mail;
        const message = await configError("prod", {}, { ...testSecrets, alertingSecrets: JSON.stringify(rest) });
        assert.match(message, /^alertingSecrets\.mail is missing: receiver mail \(email\) needs its SMTP password/);
        assert.ok(!Object.values(rest).some(v => message.includes(v)), "no credential in the message");
    });
});
