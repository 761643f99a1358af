import * as k8s from "@pulumi/kubernetes";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { get, label, on, releaseOf } from "./release";

/**
 * Non-secret annotations the program puts on the Secret holding its Alertmanager configuration (the data
 * itself is a secret the pack does not read): receivers as `name=kind,...`, the dead man's switch receiver.
 */
export const alertingAnnotations = {
    receivers: "monitoring-stack/alert-receivers",
    deadMansSwitch: "monitoring-stack/dead-mans-switch",
} as const;

export const productionAlerting: ResourceValidationPolicy = {
    name: "production-alerting",
    description: "Alerts reach people: kube-prometheus-stack's Alertmanager reads a configuration Secret instead of the chart's "
        + "configuration (every alert to the \"null\" receiver), and that configuration declares at least one receiver and sends "
        + "the always-firing Watchdog to a dead man's switch.",
    remediationSteps: "Declare alerting.receivers, alerting.routes and alerting.deadMansSwitch in the stack configuration, and each "
        + "receiver's credential with `pulumi config set --secret --path alertingSecrets.<receiver> <value>` (README, \"Alert routing\").",
    severity: "high",
    validateResource: (args, report) => {
        if (args.isType(k8s.helm.v3.Release)) {
            const r = releaseOf(args.props, args.name);
            if (r.chart !== "kube-prometheus-stack") return;
            if (!on(r.values, ["alertmanager", "enabled"], true)) {
                report(`${label(r)}: alertmanager.enabled is false, so no Alertmanager delivers the alerts`);
            } else if (!get(r.values, ["alertmanager", "alertmanagerSpec", "configSecret"])) {
                report(`${label(r)}: alertmanager.alertmanagerSpec.configSecret is not set, so the chart's configuration sends every alert to the "null" receiver`);
            }
            return;
        }
        if (args.type !== "kubernetes:core/v1:Secret") return;
        const annotations = (get(args.props, ["metadata", "annotations"]) ?? {}) as Record<string, string>;
        if (!(alertingAnnotations.receivers in annotations)) return;
        const where = `Secret "${get(args.props, ["metadata", "name"]) ?? args.name}" (the Alertmanager configuration)`;
        if (!annotations[alertingAnnotations.receivers]) {
            report(`${where}: declares no receiver, so every alert is delivered nowhere`);
        }
        if (!annotations[alertingAnnotations.deadMansSwitch]) {
            report(`${where}: sends the Watchdog to no dead man's switch, so a Prometheus or Alertmanager that stops goes unnoticed`);
        }
    },
};
