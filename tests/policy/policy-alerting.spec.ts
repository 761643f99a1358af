// The production-alerting policy as a unit, and the annotations it reads held to the ones the program writes.
import { strict as assert } from "assert";
import { Values } from "../../charts/values";
import { Resource, validate } from "../../policy/in-process";
import { alertingAnnotations, productionAlerting } from "../../policy/alerting";
import { alertmanagerSecretName, summaryAnnotations } from "../../plan/alerting/alertmanager-config";

const kps = (values: Values): Resource => ({
    type: "kubernetes:helm.sh/v3:Release",
    name: "kube-prometheus-stack",
    urn: "urn:pulumi:test::monitoring-stack::kubernetes:helm.sh/v3:Release::kube-prometheus-stack",
    props: { name: "kube-prometheus-stack", chart: "kube-prometheus-stack", version: "88.5.3", values },
});

const secret = (annotations: Record<string, string>): Resource => ({
    type: "kubernetes:core/v1:Secret",
    name: "monitoring-alertmanager-config",
    urn: "urn:pulumi:test::monitoring-stack::kubernetes:core/v1:Secret::monitoring-alertmanager-config",
    props: { metadata: { name: alertmanagerSecretName, annotations } },
});

const full = { [alertingAnnotations.receivers]: "oncall=pagerduty", [alertingAnnotations.deadMansSwitch]: "heartbeat every 1m" };

describe("policy: production-alerting", () => {
    it("reads the annotations the program writes", () => {
        assert.equal(alertingAnnotations.receivers, summaryAnnotations.receivers);
        assert.equal(alertingAnnotations.deadMansSwitch, summaryAnnotations.deadMansSwitch);
    });

    it("passes kube-prometheus-stack reading a configuration Secret with receivers and a dead man's switch", async () => {
        assert.deepEqual(await validate(productionAlerting, kps({ alertmanager: { alertmanagerSpec: { configSecret: alertmanagerSecretName } } })), []);
        assert.deepEqual(await validate(productionAlerting, secret(full)), []);
    });

    it("reports the chart's own configuration, which sends every alert to the null receiver", async () => {
        assert.deepEqual(await validate(productionAlerting, kps({})), [
            'release "kube-prometheus-stack" (kube-prometheus-stack 88.5.3): alertmanager.alertmanagerSpec.configSecret is not set, so the chart\'s configuration sends every alert to the "null" receiver',
        ]);
        assert.deepEqual(await validate(productionAlerting, kps({ alertmanager: { enabled: false } })), [
            'release "kube-prometheus-stack" (kube-prometheus-stack 88.5.3): alertmanager.enabled is false, so no Alertmanager delivers the alerts',
        ]);
    });

    it("reports a configuration without receivers or without a dead man's switch", async () => {
        assert.deepEqual(await validate(productionAlerting, secret({ ...full, [alertingAnnotations.deadMansSwitch]: "" })), [
            `Secret "${alertmanagerSecretName}" (the Alertmanager configuration): sends the Watchdog to no dead man's switch, so a Prometheus or Alertmanager that stops goes unnoticed`,
        ]);
        const none = await validate(productionAlerting, secret({ [alertingAnnotations.receivers]: "", [alertingAnnotations.deadMansSwitch]: "" }));
        assert.equal(none.length, 2);
        assert.match(none[0], /declares no receiver, so every alert is delivered nowhere/);
    });

    it("ignores other Secrets and other charts", async () => {
        assert.deepEqual(await validate(productionAlerting, secret({})), []);
        assert.deepEqual(await validate(productionAlerting, { ...kps({}), props: { name: "loki", chart: "loki", values: {} } }), []);
    });
});
