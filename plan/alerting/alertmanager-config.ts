// The whole Alertmanager configuration (alertmanager.yaml) from the alerting settings and the receivers'
// credentials. Pure: no Pulumi. The credentials are written inline (Alertmanager 0.25, the amtool the tests
// run, rejects webhook `url_file`); the plan holds placeholders, which only the Pulumi layer fills, inside a secret.
import { stringify } from "yaml";
import { alertingSecretsKey } from "../../config/alerting";
import type { AlertingSettings, Receiver, Severity } from "../../config/alerting";
import type { Settings } from "../../config/settings";
import { ObjectPlan, secretToken, Step } from "../types";

/** The Secret kube-prometheus-stack reads (`alertmanager.alertmanagerSpec.configSecret`) and its key. */
export const alertmanagerSecretName = "alertmanager-config";
export const alertmanagerConfigKey = "alertmanager.yaml";
/** A second key of the Secret: the operator mounts it beside the configuration, where `templates` finds it. */
export const alertmanagerTemplatesKey = "monitoring-stack.tmpl";

/** A receiver that notifies no one, for what must go nowhere (and everything, while no receiver is declared). */
export const NULL_RECEIVER = "null";
/** The dead man's switch: the chosen receiver's integration again, never sending "resolved". */
export const DEAD_MANS_SWITCH = "deadmansswitch";

/** Non-secret annotations on the Secret: what the policy pack reads to check the production stance. */
export const summaryAnnotations = {
    receivers: "monitoring-stack/alert-receivers",
    routes: "monitoring-stack/alert-routes",
    deadMansSwitch: "monitoring-stack/dead-mans-switch",
} as const;

export interface AmRoute {
    receiver: string;
    matchers?: string[];
    group_by?: string[];
    group_wait?: string;
    group_interval?: string;
    repeat_interval?: string;
    continue?: boolean;
    routes?: AmRoute[];
}

export interface AmReceiver {
    name: string;
    pagerduty_configs?: Record<string, unknown>[];
    slack_configs?: Record<string, unknown>[];
    email_configs?: Record<string, unknown>[];
    webhook_configs?: Record<string, unknown>[];
    opsgenie_configs?: Record<string, unknown>[];
}

export interface AlertmanagerConfig {
    global: { resolve_timeout: string };
    route: AmRoute;
    inhibit_rules: { source_matchers?: string[]; target_matchers: string[]; equal?: string[] }[];
    receivers: AmReceiver[];
    templates: string[];
}

/** One integration of a receiver, Alertmanager 0.25 field names, credential inline. */
function integration(r: Receiver, credential: string, sendResolved: boolean): Omit<AmReceiver, "name"> {
    const send_resolved = sendResolved;
    switch (r.kind) {
        case "pagerduty":
            return { pagerduty_configs: [{ routing_key: credential, send_resolved }] };
        case "slack":
            return {
                slack_configs: [{
                    api_url: credential, ...(r.channel ? { channel: r.channel } : {}), text: '{{ template "monitoring-stack.slack.text" . }}', send_resolved,
                }],
            };
        case "email":
            return {
                email_configs: [{
                    to: r.to, from: r.from, smarthost: r.smarthost, auth_username: r.authUsername, auth_password: credential,
                    require_tls: r.requireTls, send_resolved,
                }],
            };
        case "webhook":
            return { webhook_configs: [{ url: credential, send_resolved }] };
        case "opsgenie":
            return { opsgenie_configs: [{ api_key: credential, ...(r.apiUrl ? { api_url: r.apiUrl } : {}), send_resolved }] };
    }
}

const severityMatcher = (s: Severity) => `severity="${s}"`;

/** One route per receiver, all but the last with `continue`, so that every receiver is notified. */
function fanOut(receivers: string[], matchers?: string[]): AmRoute[] {
    return receivers.map((receiver, i) => ({
        receiver,
        ...(matchers ? { matchers } : {}),
        ...(i < receivers.length - 1 ? { continue: true } : {}),
    }));
}

/**
 * The configuration. `credentials`: receiver name -> credential; a receiver without one is an error here
 * (config/ has refused it at preview already).
 */
export function alertmanagerConfig(s: AlertingSettings, credentials: Record<string, string>): AlertmanagerConfig {
    const credentialOf = (r: Receiver) => {
        const c = credentials[r.name];
        if (c === undefined || c === "") throw new Error(`no credential for receiver ${r.name}`);
        return c;
    };
    const receivers: AmReceiver[] = [{ name: NULL_RECEIVER }];
    const dms = s.deadMansSwitch;
    if (dms) {
        const target = s.receivers.find(r => r.name === dms.receiver);
        if (!target) throw new Error(`the dead man's switch names no receiver: ${dms.receiver}`);
        receivers.push({ name: DEAD_MANS_SWITCH, ...integration(target, credentialOf(target), false) });
    }
    for (const r of s.receivers) receivers.push({ name: r.name, ...integration(r, credentialOf(r), r.sendResolved) });

    const single = s.defaultReceivers.length === 1;
    const routes: AmRoute[] = [
        // First, so that nothing else catches it: always firing, sent every repeatInterval, never resolved.
        dms
            ? { receiver: DEAD_MANS_SWITCH, matchers: ['alertname="Watchdog"'], group_by: ["alertname"], group_wait: "0s", group_interval: dms.repeatInterval, repeat_interval: dms.repeatInterval }
            : { receiver: NULL_RECEIVER, matchers: ['alertname="Watchdog"'] },
        // kube-prometheus-stack's helper alert that inhibits lone info alerts; it is not for people.
        { receiver: NULL_RECEIVER, matchers: ['alertname="InfoInhibitor"'] },
        ...s.routes.flatMap(r => fanOut(r.receivers, [severityMatcher(r.severity)])),
        ...(single ? [] : fanOut(s.defaultReceivers)),
    ];
    return {
        global: { resolve_timeout: "5m" },
        route: {
            receiver: single ? s.defaultReceivers[0] : NULL_RECEIVER,
            group_by: s.grouping.by,
            group_wait: s.grouping.wait,
            group_interval: s.grouping.interval,
            repeat_interval: s.grouping.repeatInterval,
            routes,
        },
        // kube-prometheus-stack's defaults: a critical alert silences the warning and info alerts of the same
        // name and namespace, a warning the info ones; info alerts alone are held back by InfoInhibitor.
        inhibit_rules: [
            { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ["namespace", "alertname"] },
            { source_matchers: ['severity="warning"'], target_matchers: ['severity="info"'], equal: ["namespace", "alertname"] },
            { source_matchers: ['alertname="InfoInhibitor"'], target_matchers: ['severity="info"'], equal: ["namespace"] },
            { target_matchers: ['alertname="InfoInhibitor"'] },
        ],
        receivers,
        templates: ["/etc/alertmanager/config/*.tmpl"],
    };
}

/** The YAML text; a secret whenever a receiver is declared. */
export function alertmanagerConfigYaml(s: AlertingSettings, credentials: Record<string, string>): string {
    return stringify(alertmanagerConfig(s, credentials), { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * Notification templates. Slack's default text is empty: this one lists each alert's summary, description
 * and runbook (`runbook` on this stack's alerts, `runbook_url` on kube-prometheus-stack's).
 */
export const alertmanagerTemplates = `{{ define "monitoring-stack.slack.text" }}{{ range .Alerts }}*{{ .Labels.severity }}* {{ .Annotations.summary }}
{{- with .Annotations.description }}
{{ . }}{{ end }}
{{- with .Annotations.runbook_url }}
Runbook: {{ . }}{{ end }}
{{- with .Annotations.runbook }}
Runbook: {{ . }}{{ end }}
{{ end }}{{ end }}
`;

/** Receiver names and kinds, routes and the dead man's switch: no credential, safe for metadata. */
export function alertingSummary(s: AlertingSettings): Record<string, string> {
    return {
        [summaryAnnotations.receivers]: s.receivers.map(r => `${r.name}=${r.kind}`).join(","),
        [summaryAnnotations.routes]: [
            ...s.routes.map(r => `${r.severity}=${r.receivers.join("+")}`),
            ...(s.defaultReceivers.length ? [`default=${s.defaultReceivers.join("+")}`] : []),
        ].join(","),
        [summaryAnnotations.deadMansSwitch]: s.deadMansSwitch ? `${s.deadMansSwitch.receiver} every ${s.deadMansSwitch.repeatInterval}` : "",
    };
}

/** The stack runs its own Alertmanager, which reads the configuration Secret. */
export const ownsAlertmanager = (s: Settings) => s.prometheus.mode === "managed" && s.prometheus.alertmanager.enabled;

/** Warned once at preview when alerts would reach no one. */
export const noReceiverWarning =
    "alerting.receivers is empty: alerts (the stack's, kube-prometheus-stack's and Grafana's) are delivered nowhere. " +
    "Declare receivers and routes under alerting, and each receiver's credential with " +
    "`pulumi config set --secret --path alertingSecrets.<receiver> <value>` (README, \"Alert routing\").";

export const ALERTMANAGER_CONFIG: Step = "alertmanager-config";

/**
 * The Secret holding the whole alertmanager.yaml, credentials inline: in the plan they are placeholders, filled
 * in by the Pulumi layer inside a secret, so the text exists only encrypted. Its annotations carry the non-secret
 * summary the policy pack checks. Changing `alerting` updates this Secret in place; Alertmanager reloads it.
 */
export function alertmanagerSecret(s: Settings): ObjectPlan[] {
    if (!ownsAlertmanager(s)) return [];
    const setting = (receiver: string) => `${alertingSecretsKey}.${receiver}`;
    const placeholders = Object.fromEntries(s.alerting.receivers.map(r => [r.name, secretToken(setting(r.name))]));
    return [{
        owner: "stack", group: ALERTMANAGER_CONFIG, waitsFor: [], protect: s.protect, resource: "alertmanager-config",
        apiVersion: "v1", kind: "Secret",
        metadata: { name: alertmanagerSecretName, annotations: alertingSummary(s.alerting) },
        body: {
            type: "Opaque",
            stringData: {
                [alertmanagerConfigKey]: { template: alertmanagerConfigYaml(s.alerting, placeholders), secretSettings: s.alerting.receivers.map(r => setting(r.name)) },
                [alertmanagerTemplatesKey]: alertmanagerTemplates,
            },
        },
    }];
}
