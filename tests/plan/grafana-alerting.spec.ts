// Grafana-managed alerts take the same way as Prometheus' alerts: a provisioned contact point forwards them
// to the stack's Alertmanager, whose routes and receivers (amtool.spec.ts) then apply.
import { strict as assert } from "assert";
import { defaultVersions } from "../../charts/table";
import { Values } from "../../charts/values";
import { containerPorts } from "../../plan/guardrails/network-graph";
import { networkPolicySpecs } from "../../plan/guardrails/network-policies";
import { releaseNames } from "../../plan/wiring";
import { parseSettings } from "../../config/settings";
import { alertmanagerDatasourceUid, grafanaContactPoint } from "../../plan/alerting/grafana-alerting";
import { chartDefaults } from "../chart-keys";
import { Run, runStack, stackConfig } from "../harness";

const NS = "monitoring-stack";
const expectedUrl = `http://${releaseNames.prometheus}-alertmanager.${NS}.svc.cluster.local:9093`;

describe("Grafana-managed alerts", function () {
    this.timeout(60000);
    const runs: Record<string, Run> = {};
    before(async () => {
        runs.dev = await runStack("dev");
        runs.prod = await runStack("prod");
    });

    for (const stack of ["dev", "prod"]) {
        describe(`${stack} stack`, () => {
            const values = () => runs[stack].release("grafana").inputs.values;

            it("forward every alert, one by one, to the stack's Alertmanager through one provisioned contact point", () => {
                const cp = values().alerting["contactpoints.yaml"];
                assert.equal(cp.apiVersion, 1);
                assert.deepEqual(cp.contactPoints.map((c: Values) => c.name), [grafanaContactPoint]);
                const [receiver] = cp.contactPoints[0].receivers;
                assert.equal(receiver.type, "prometheus-alertmanager");
                assert.equal(receiver.settings.url, expectedUrl);
                assert.equal(receiver.disableResolveMessage, false, "resolved alerts must reach Alertmanager too");
                const [policy] = values().alerting["policies.yaml"].policies;
                assert.equal(policy.receiver, grafanaContactPoint);
                assert.deepEqual(policy.group_by, ["..."], "no grouping in Grafana: Alertmanager groups");
                assert.equal(policy.group_wait, "0s");
            });

            it("re-send firing alerts well inside the 2 minutes Grafana sets their end to", () => {
                const [policy] = values().alerting["policies.yaml"].policies;
                const seconds = (d: string) => Number(/^(\d+)s$/.exec(d)![1]);
                // Notifications happen on group_interval ticks once more than repeat_interval has passed.
                const worst = seconds(policy.group_interval) + Math.max(seconds(policy.group_interval), seconds(policy.repeat_interval));
                assert.ok(worst <= 60, `an alert is re-sent only every ${worst}s`);
            });

            it("show Alertmanager's alerts and silences through a datasource that does not take Grafana's alerts", () => {
                const list = values().datasources["datasources.yaml"].datasources;
                const am = list.find((d: Values) => d.type === "alertmanager");
                assert.equal(am.uid, alertmanagerDatasourceUid);
                assert.equal(am.url, expectedUrl);
                assert.deepEqual(am.jsonData, { implementation: "prometheus", handleGrafanaManagedAlerts: false });
            });

            it("point at the Service kube-prometheus-stack renders for Alertmanager", function () {
                const defaults = chartDefaults("kube-prometheus-stack", runs[stack].release("kube-prometheus-stack").inputs.version);
                if (!defaults) return this.skip();
                assert.equal((defaults as Values).alertmanager.service.port, 9093);
                assert.equal(runs[stack].release("kube-prometheus-stack").inputs.values.fullnameOverride, releaseNames.prometheus);
            });

            it("hold nothing Helm's tpl or Grafana's environment expansion would change", () => {
                const text = JSON.stringify(values().alerting);
                assert.ok(!text.includes("{{") && !text.includes("$"), text);
            });
        });
    }

    it("are allowed through the network policies: Grafana may reach Alertmanager's port, Alertmanager the receivers", () => {
        const specs = networkPolicySpecs(parseSettings({}, defaultVersions));
        const egress = specs.find(p => p.name === "grafana-egress")!.spec.egress as Values[];
        const toAm = egress.find(r => r.to?.[0]?.podSelector?.matchLabels?.["app.kubernetes.io/name"] === "alertmanager")!;
        assert.deepEqual(toAm.ports, [{ port: containerPorts.alertmanager, protocol: "TCP" }]);
        const ingress = specs.find(p => p.name === "allow-to-alertmanager")!.spec.ingress as Values[];
        assert.ok(ingress.some(r => r.from[0].podSelector?.matchLabels?.["app.kubernetes.io/instance"] === releaseNames.grafana &&
            r.ports.some((p: Values) => p.port === containerPorts.alertmanager)));
        // Alertmanager's own egress (to Slack, PagerDuty, SMTP, webhooks) is not restricted: no policy selects it for Egress.
        assert.ok(!specs.some(p => (p.spec.policyTypes as string[]).includes("Egress") &&
            (p.spec.podSelector as Values).matchLabels?.["app.kubernetes.io/name"] === "alertmanager"));
    });

    it("stay inside Grafana for an external Prometheus, which brings its own Alertmanager", async () => {
        const run = await runStack("dev", { prometheus: { mode: "external", url: "http://prometheus.obs.svc:9090" } });
        const v = run.release("grafana").inputs.values;
        assert.equal(v.alerting, undefined);
        assert.ok(!v.datasources["datasources.yaml"].datasources.some((d: Values) => d.type === "alertmanager"));
        const cfg = JSON.parse(stackConfig("dev")["monitoring-stack:prometheus"]);
        const off = await runStack("dev", { prometheus: { ...cfg, alertmanager: { enabled: false } } });
        assert.equal(off.release("grafana").inputs.values.alerting, undefined);
    });
});
