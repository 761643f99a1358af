// `alerting` (receivers, routes by severity, grouping, the dead man's switch) and the secret `alertingSecrets`
// (one credential per receiver). Parsed into plain data; plan/alerting/alertmanager-config.ts writes the
// Alertmanager configuration from it.
import { promDurationHours } from "../charts/units";
import { PROM_DURATION, Reader } from "./reader";

export const receiverKinds = ["pagerduty", "slack", "email", "webhook", "opsgenie"] as const;
export type ReceiverKind = (typeof receiverKinds)[number];

/** What each kind's secret holds, for messages and the README. */
export const credentialOf: Record<ReceiverKind, string> = {
    pagerduty: "PagerDuty Events API v2 routing key",
    slack: "Slack incoming-webhook URL",
    email: "SMTP password",
    webhook: "webhook URL",
    opsgenie: "Opsgenie API key",
};

interface ReceiverBase {
    name: string;
    /** Also notify when the alerts resolve. */
    sendResolved: boolean;
}

export type Receiver = ReceiverBase & (
    | { kind: "pagerduty" }
    | { kind: "slack"; channel?: string }
    | { kind: "email"; to: string; from: string; smarthost: string; authUsername: string; requireTls: boolean }
    | { kind: "webhook" }
    | { kind: "opsgenie"; apiUrl?: string }
);

/** Values of the `severity` label that a route can be set for; everything else takes `default`. */
export const severities = ["critical", "warning", "info"] as const;
export type Severity = (typeof severities)[number];

export interface AlertingSettings {
    /** In the order declared. */
    receivers: Receiver[];
    /** Severity routes in the order critical, warning, info; each notifies all its receivers. */
    routes: { severity: Severity; receivers: string[] }[];
    /** Receivers of every alert no severity route takes; empty only when no receiver is declared. */
    defaultReceivers: string[];
    grouping: { by: string[]; wait: string; interval: string; repeatInterval: string };
    /** Where the always-firing Watchdog alert goes, and how often. */
    deadMansSwitch?: { receiver: string; repeatInterval: string };
}

/** The secret config key: receiver name -> credential. */
export const alertingSecretsKey = "alertingSecrets";

/** Receiver names the generated configuration uses itself. */
export const reservedReceiverNames = ["null", "deadmansswitch"];

const RECEIVER_NAME = /^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ADDRESS = "[^\\s@<>,\"]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+";
const EMAIL_LIST = { pattern: new RegExp(`^${ADDRESS}(\\s*,\\s*${ADDRESS})*$`), expected: 'an email address like "ops@example.com" (several separated by commas)' };
const EMAIL = { pattern: new RegExp(`^${ADDRESS}$`), expected: 'an email address like "alertmanager@example.com"' };
const SMARTHOST = { pattern: /^[A-Za-z0-9.-]+:\d{1,5}$/, expected: 'an SMTP host:port like "smtp.example.com:587"' };
const SLACK_CHANNEL = { pattern: /^[#@]?[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, expected: 'a Slack channel like "#alerts"' };
const HTTPS_URL = { pattern: /^https:\/\/[^\s/]+(\/\S*)?$/, expected: 'an https URL like "https://api.eu.opsgenie.com/"' };

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** The duration in hours, or undefined when malformed (the reader has reported it). */
const hours = (d: string) => (PROM_DURATION.test(d) ? promDurationHours(d) : undefined);

function receiver(r: Reader, name: string): Receiver | undefined {
    const given = r.keys();
    const kinds = receiverKinds.filter(k => given.includes(k));
    const read: Receiver[] = kinds.map(kind => {
        const k = r.child(kind);
        const sendResolved = k.bool("sendResolved", true);
        let out: Receiver;
        switch (kind) {
            case "slack":
                out = { name, kind, sendResolved, channel: k.string("channel", undefined, SLACK_CHANNEL) };
                break;
            case "email": {
                const from = k.required("from", EMAIL);
                out = {
                    name, kind, sendResolved,
                    to: k.required("to", EMAIL_LIST),
                    from,
                    smarthost: k.required("smarthost", SMARTHOST),
                    authUsername: k.string("authUsername", from, { pattern: /^\S+$/, expected: "a user name without spaces" }),
                    requireTls: k.bool("requireTls", true),
                };
                break;
            }
            case "opsgenie":
                out = { name, kind, sendResolved, apiUrl: k.string("apiUrl", undefined, HTTPS_URL) };
                break;
            default:
                out = { name, kind, sendResolved };
        }
        k.done();
        return out;
    });
    r.done([...receiverKinds]);
    if (kinds.length !== 1) {
        r.error(
            `${r.path} must have exactly one kind (${receiverKinds.join(", ")}), got ` +
                (kinds.length === 0 ? "none" : kinds.join(" and ")),
        );
        return undefined;
    }
    return read[0];
}

/** A receiver name, or (with `list`) one or several; each must be declared. */
function names(r: Reader, key: string, known: string[], list: boolean): string[] | undefined {
    const v = r.raw(key, "names");
    if (v === undefined || v === null) return undefined;
    const path = `${r.path}.${key}`;
    const given = typeof v === "string" ? [v] : list && Array.isArray(v) ? v : undefined;
    if (!given || given.length === 0 || given.some(x => typeof x !== "string" || x.trim() === "")) {
        r.error(`${path} must be a receiver name${list ? " or a list of receiver names" : ""}, got ${show(v)}`);
        return undefined;
    }
    const out = given as string[];
    for (const n of out) {
        if (!known.includes(n)) {
            r.error(`${path}: ${show(n)} is not a receiver; ` + (known.length ? `known: ${known.join(", ")}` : "alerting.receivers declares none"));
        }
    }
    if (new Set(out).size !== out.length) r.error(`${path} names a receiver twice: ${show(out)}`);
    return out;
}

function labelList(r: Reader, key: string, dflt: string[]): string[] {
    const v = r.raw(key, "list");
    if (v === undefined || v === null) return dflt;
    if (!Array.isArray(v) || v.length === 0 || v.some(x => typeof x !== "string" || !LABEL_NAME.test(x))) {
        r.error(`${r.path}.${key} must be a list of label names like ["namespace", "alertname"], got ${show(v)}`);
        return dflt;
    }
    return v as string[];
}

/**
 * Reads `alerting`. `alertmanager`: the stack runs its own Alertmanager (prometheus.mode "managed" with
 * prometheus.alertmanager.enabled), the only place receivers can apply.
 */
export function parseAlerting(a: Reader, alertmanager: boolean): AlertingSettings {
    const rx = a.map("receivers");
    const receivers: Receiver[] = [];
    for (const name of rx.keys()) {
        if (!RECEIVER_NAME.test(name)) {
            rx.error(`${rx.path}.${name}: a receiver name must be lower-case letters, digits, '-' or '_' (it is also its key under ${alertingSecretsKey})`);
        } else if (reservedReceiverNames.includes(name)) {
            rx.error(`${rx.path}.${name}: the name ${show(name)} is reserved (${reservedReceiverNames.map(n => show(n)).join(", ")}); choose another`);
        }
        const raw = rx.raw(name, "object");
        const entry = rx.child(name);
        if (raw === null || typeof raw !== "object" || Array.isArray(raw)) continue; // the reader has said so
        const parsed = receiver(entry, name);
        if (parsed) receivers.push(parsed);
    }
    rx.done();
    const known = rx.keys();

    const ro = a.child("routes");
    const routes: AlertingSettings["routes"] = [];
    for (const severity of severities) {
        const to = names(ro, severity, known, true);
        if (to) routes.push({ severity, receivers: to });
    }
    const defaultReceivers = names(ro, "default", known, true) ?? [];
    ro.done();
    if (known.length > 0 && !ro.has("default")) {
        a.error(`${a.path}.routes.default is required when receivers are declared: it receives every alert that no severity route takes (Grafana's alerts too)`);
    }

    const grouping = {
        by: labelList(a, "groupBy", ["namespace", "alertname"]),
        wait: a.duration("groupWait", "30s", "prometheus", "30s"),
        interval: a.duration("groupInterval", "5m", "prometheus", "5m"),
        repeatInterval: a.duration("repeatInterval", "4h", "prometheus", "4h"),
    };
    const gi = hours(grouping.interval);
    const ri = hours(grouping.repeatInterval);
    if (gi === 0) a.error(`${a.path}.groupInterval must be longer than 0, got "${grouping.interval}"`);
    if (ri === 0) a.error(`${a.path}.repeatInterval must be longer than 0, got "${grouping.repeatInterval}"`);
    if (gi && ri && ri < gi) {
        a.error(`${a.path}.repeatInterval (${grouping.repeatInterval}) must not be shorter than ${a.path}.groupInterval (${grouping.interval}): Alertmanager only repeats on a group interval`);
    }

    let deadMansSwitch: AlertingSettings["deadMansSwitch"];
    if (a.has("deadMansSwitch")) {
        const d = a.child("deadMansSwitch");
        const to = d.has("receiver") ? names(d, "receiver", known, false) : undefined;
        if (!d.has("receiver")) d.error(`${d.path}.receiver is required: the receiver of the always-firing Watchdog alert (a heartbeat service)`);
        const repeatInterval = d.duration("repeatInterval", "1m", "prometheus", "1m");
        if (hours(repeatInterval) === 0) d.error(`${d.path}.repeatInterval must be longer than 0, got "${repeatInterval}"`);
        d.done();
        if (to) deadMansSwitch = { receiver: to[0], repeatInterval };
    }
    a.done();

    if (!alertmanager && (known.length > 0 || deadMansSwitch)) {
        a.error(`${a.path}.receivers and ${a.path}.deadMansSwitch need the stack's own Alertmanager: prometheus.mode "managed" with prometheus.alertmanager.enabled true`);
    }
    return { receivers, routes, defaultReceivers, grouping, deadMansSwitch };
}

/** Every receiver named by a route or the dead man's switch. */
export const usedReceivers = (s: AlertingSettings): string[] =>
    [...new Set([...s.routes.flatMap(r => r.receivers), ...s.defaultReceivers, ...(s.deadMansSwitch ? [s.deadMansSwitch.receiver] : [])])];

const URL_SHAPE: Partial<Record<ReceiverKind, { pattern: RegExp; expected: string }>> = {
    slack: { pattern: /^https:\/\/\S+$/, expected: "an https URL (https://hooks.slack.com/services/...)" },
    webhook: { pattern: /^https?:\/\/\S+$/, expected: "an http(s) URL" },
};

/**
 * Checks `alertingSecrets` as read in plain text against the receivers: every receiver needs its credential,
 * of the right shape. Messages name the key, never the value. `unused`: keys that name no receiver.
 */
export function checkAlertingSecrets(s: AlertingSettings, given: unknown): { errors: string[]; unused: string[]; credentials: Record<string, string> } {
    const errors: string[] = [];
    const set = (name: string, kind: ReceiverKind) =>
        `set it with \`pulumi config set --secret --path ${alertingSecretsKey}.${name} <${credentialOf[kind]}>\``;
    let values: Record<string, unknown> = {};
    if (given !== undefined && given !== null) {
        if (typeof given !== "object" || Array.isArray(given)) {
            errors.push(`${alertingSecretsKey} must map receiver names to credentials (pulumi config set --secret --path ${alertingSecretsKey}.<receiver> <value>); the value is not shown`);
        } else {
            values = given as Record<string, unknown>;
        }
    }
    const credentials: Record<string, string> = {};
    for (const r of s.receivers) {
        const key = `${alertingSecretsKey}.${r.name}`;
        const v = values[r.name];
        if (v === undefined || v === null || v === "") {
            errors.push(`${key} is missing: receiver ${r.name} (${r.kind}) needs its ${credentialOf[r.kind]}; ${set(r.name, r.kind)}`);
            continue;
        }
        if (typeof v !== "string" && typeof v !== "number") {
            errors.push(`${key} must be a string, the ${credentialOf[r.kind]}; the value is not shown`);
            continue;
        }
        const text = String(v);
        const shape = URL_SHAPE[r.kind];
        if (shape && !shape.pattern.test(text)) {
            errors.push(`${key} must be ${shape.expected}, the ${credentialOf[r.kind]} of receiver ${r.name}; the value is not shown`);
        } else if (/\s/.test(text.trim()) || text.trim() === "") {
            errors.push(`${key} must not contain spaces (the ${credentialOf[r.kind]}); the value is not shown`);
        }
        credentials[r.name] = text.trim();
    }
    const unused = Object.keys(values).filter(k => !s.receivers.some(r => r.name === k));
    return { errors, unused, credentials };
}
