// Every test that needs amtool (Debian package prometheus-alertmanager, amtool 0.25): the Alertmanager
// configuration Secret of the real program, recorded under mocks with the test secrets, is accepted and
// routes as the settings say. Alertmanager itself is v0.34 in the cluster: 0.25 syntax is accepted by both.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { AlertingSettings } from "../../config/alerting";
import {
    alertmanagerConfigKey, alertmanagerSecretName, alertmanagerTemplates, alertmanagerTemplatesKey, DEAD_MANS_SWITCH, NULL_RECEIVER,
} from "../../plan/alerting/alertmanager-config";
import { amtool, AMTOOL_INSTALL, stackAlerting } from "../../scripts/amtool";
import { Run, runStack } from "../harness";
import { describeWithTool } from "../tools";

/** The data of the recorded Secret (the provider marks all of stringData secret, so it is still wrapped). */
function secretData(run: Run): Record<string, string> {
    const secret = run.byType("kubernetes:core/v1:Secret").find(r => r.inputs.metadata.name === alertmanagerSecretName);
    assert.ok(secret, `no ${alertmanagerSecretName} Secret in ${run.stack}`);
    const data = secret!.inputs.stringData;
    return data.value ?? data;
}

describeWithTool("amtool", "amtool on the generated Alertmanager configuration", function () {
    this.timeout(60000);
    let dir: string;
    const files: Record<string, string> = {};

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "amtool-"));
        for (const stack of ["dev", "prod"]) {
            const data = secretData(await runStack(stack));
            // The operator mounts every key of the Secret in /etc/alertmanager/config; here they sit in one
            // directory, and `templates` points there so that check-config parses the template file too.
            const stackDir = path.join(dir, stack);
            fs.mkdirSync(stackDir);
            fs.writeFileSync(path.join(stackDir, alertmanagerTemplatesKey), data[alertmanagerTemplatesKey]);
            const config = parse(data[alertmanagerConfigKey]);
            assert.deepEqual(config.templates, ["/etc/alertmanager/config/*.tmpl"]);
            config.templates = [path.join(stackDir, "*.tmpl")];
            files[stack] = path.join(stackDir, alertmanagerConfigKey);
            fs.writeFileSync(files[stack], stringify(config, { lineWidth: 0 }));
        }
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const routesTo = (stack: string, labels: string[]) =>
        amtool(["config", "routes", "test", `--config.file=${files[stack]}`, ...labels]).output.split("\n").filter(l => l && !l.startsWith("Warning:")).join("\n");
    const verify = (stack: string, receivers: string[], labels: string[]) => {
        const r = amtool(["config", "routes", "test", `--config.file=${files[stack]}`, `--verify.receivers=${receivers.join(",")}`, ...labels]);
        assert.ok(r.ok, `${labels.join(" ")} should go to ${receivers.join(",")}, goes to ${routesTo(stack, labels)}`);
    };

    it(`is installed (${AMTOOL_INSTALL})`, () => {
        assert.ok(amtool(["--version"]).ok);
    });

    it("accepts both stacks' configuration, templates included (amtool check-config)", () => {
        for (const stack of ["dev", "prod"]) {
            const r = amtool(["check-config", files[stack]]);
            assert.ok(r.ok, r.output);
            assert.match(r.output, /1 templates\n\s*SUCCESS/);
        }
    });

    it("refuses a configuration with a route to a receiver it lacks (the check has teeth)", () => {
        const broken = parse(fs.readFileSync(files.prod, "utf8"));
        broken.route.routes.push({ receiver: "nobody", matchers: ['team="x"'] });
        const file = path.join(dir, "broken.yaml");
        fs.writeFileSync(file, stringify(broken));
        const r = amtool(["check-config", file]);
        assert.equal(r.ok, false);
        assert.match(r.output, /undefined receiver "nobody"/);
    });

    describe("routes prod's alerts as Pulumi.prod.yaml says", () => {
        const s: AlertingSettings = stackAlerting("prod");
        const route = (severity: string) => s.routes.find(r => r.severity === severity)?.receivers ?? s.defaultReceivers;

        it("reads the routes the test expects from the stack file", () => {
            assert.deepEqual(route("critical"), ["oncall", "chat"]);
            assert.deepEqual(route("warning"), ["chat"]);
            assert.deepEqual(s.defaultReceivers, ["mail"]);
            assert.equal(s.deadMansSwitch?.receiver, "heartbeat");
        });

        it("critical -> oncall (and chat)", () => verify("prod", route("critical"), ["alertname=LokiDown", "namespace=monitoring-stack", "severity=critical"]));
        it("warning -> chat", () => verify("prod", route("warning"), ["alertname=GrafanaDown", "namespace=monitoring-stack", "severity=warning"]));
        it("anything else -> the default receiver", () => {
            verify("prod", s.defaultReceivers, ["alertname=KubeletTooManyPods", "severity=info"]);
            verify("prod", s.defaultReceivers, ["alertname=SomeGrafanaRule", "grafana_folder=Team"]);
            verify("prod", s.defaultReceivers, ["alertname=Odd", "severity=page"]);
        });
        it("Watchdog -> the dead man's switch, whatever its severity", () => {
            verify("prod", [DEAD_MANS_SWITCH], ["alertname=Watchdog", "severity=none"]);
            verify("prod", [DEAD_MANS_SWITCH], ["alertname=Watchdog", "severity=critical"]);
        });
        it("InfoInhibitor -> nowhere", () => verify("prod", [NULL_RECEIVER], ["alertname=InfoInhibitor", "severity=none"]));

        it("prints the routing tree (amtool config routes)", () => {
            const r = amtool(["config", "routes", `--config.file=${files.prod}`]);
            assert.ok(r.ok, r.output);
            const tree = r.output.split("\n").filter(l => !l.startsWith("Warning:")).join("\n").trim();
            assert.equal(tree, [
                "Routing tree:",
                ".",
                "└── default-route  receiver: mail",
                '    ├── {alertname="Watchdog"}  receiver: deadmansswitch',
                '    ├── {alertname="InfoInhibitor"}  receiver: null',
                '    ├── {severity="critical"}  continue: true  receiver: oncall',
                '    ├── {severity="critical"}  receiver: chat',
                '    └── {severity="warning"}  receiver: chat',
            ].join("\n"));
        });
    });

    it("sends everything nowhere in dev, which declares no receiver", () => {
        verify("dev", [NULL_RECEIVER], ["alertname=LokiDown", "severity=critical"]);
        verify("dev", [NULL_RECEIVER], ["alertname=Watchdog", "severity=none"]);
    });

    it("renders the Slack text template (amtool template render)", () => {
        const file = path.join(dir, "render.tmpl");
        fs.writeFileSync(file, alertmanagerTemplates);
        const r = amtool(["template", "render", `--template.glob=${file}`, '--template.text={{ template "monitoring-stack.slack.text" . }}']);
        assert.ok(r.ok, r.output);
        assert.match(r.output, /^\*/m);
    });
});
