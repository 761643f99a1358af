import { PolicyConfigSchema, ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { goDurationHours, promDurationHours } from "../charts/units";
import { configOf, forReleases, get, label, majorVersion, on, pathText, Release } from "./release";

interface Bounds {
    minHours: number;
    maxHours: number;
}

function boundsSchema(what: string, minHours: number, maxHours: number): PolicyConfigSchema {
    return {
        properties: {
            minHours: { type: "number", minimum: 0, default: minHours, description: `Shortest ${what} retention allowed, in hours.` },
            maxHours: { type: "number", minimum: 0, default: maxHours, description: `Longest ${what} retention allowed, in hours.` },
        },
    };
}

const days = (hours: number) => `${+(hours / 24).toFixed(1)} days`;

/** Reports an unset, unparsable or out-of-bounds retention at `path`. */
function checkDuration(
    r: Release, path: string[], parse: (text: string) => number | undefined, example: string,
    bounds: Bounds, report: ReportViolation, unsetMeans: string,
) {
    const value = get(r.values, path);
    const at = `${label(r)}: ${pathText(path)}`;
    if (value === undefined || value === null || value === "") {
        report(`${at} is not set: ${unsetMeans}`);
        return;
    }
    const hours = parse(String(value));
    if (hours === undefined) {
        report(`${at} is ${JSON.stringify(value)}, not a duration like "${example}"`);
    } else if (hours < bounds.minHours || hours > bounds.maxHours) {
        report(`${at} is ${value} (${days(hours)}), outside the allowed ${bounds.minHours}h..${bounds.maxHours}h`);
    }
}

/** The key as the chart renders it: `<root>.structuredConfig.<key>` overrides `<root>.<key>`. */
function configKey(r: Release, root: string[], key: string[]): string[] {
    const structured = [...root, "structuredConfig", ...key];
    return get(r.values, structured) !== undefined ? structured : [...root, ...key];
}

const lokiSchema = boundsSchema("Loki log", 24, 2160);

export const lokiRetention: ResourceValidationPolicy = {
    name: "loki-retention",
    description: "Loki deletes logs after a bounded retention period, and its compactor is set up to apply it.",
    remediationSteps:
        'Set loki.limits_config.retention_period (e.g. "744h") within the configured bounds, loki.compactor.retention_enabled: true '
        + 'and loki.compactor.delete_request_store (the object store, e.g. "s3", or "filesystem"). A period alone deletes nothing, '
        + "and Loki refuses to start with retention enabled but no delete_request_store.",
    severity: "medium",
    configSchema: lokiSchema,
    validateResource: forReleases(["loki"], (r, args, report) => {
        const bounds = configOf<Bounds>(args, lokiSchema);
        // Loki reads retention_period as a Prometheus model.Duration: "744h", "1h30m" and "31d" all parse.
        checkDuration(r, configKey(r, ["loki"], ["limits_config", "retention_period"]), promDurationHours, "744h", bounds, report,
            "Loki keeps logs forever");
        const enabled = configKey(r, ["loki"], ["compactor", "retention_enabled"]);
        if (get(r.values, enabled) !== true) {
            report(`${label(r)}: ${pathText(enabled)} is not true: the compactor only compacts, so retention_period deletes nothing`);
        }
        const store = configKey(r, ["loki"], ["compactor", "delete_request_store"]);
        if (!get(r.values, store)) {
            report(`${label(r)}: ${pathText(store)} is not set: Loki refuses to start with retention enabled without it`);
        }
    }),
};

const tempoSchema = boundsSchema("Tempo trace", 24, 2160);

export const tempoRetention: ResourceValidationPolicy = {
    name: "tempo-retention",
    description: "Tempo deletes trace blocks after a bounded retention period.",
    remediationSteps:
        'Set the block retention (Go duration, e.g. "720h") within the configured bounds: tempo.retention for the tempo chart, '
        + "compactor.config.compaction.block_retention for tempo-distributed 2.x (backendScheduler.config.provider.compaction."
        + "compaction.block_retention when the backend scheduler is on, as in 3.x).",
    severity: "medium",
    configSchema: tempoSchema,
    validateResource: forReleases(["tempo", "tempo-distributed"], (r, args, report) => {
        const bounds = configOf<Bounds>(args, tempoSchema);
        if (r.chart === "tempo") {
            checkDuration(r, ["tempo", "retention"], goDurationHours, "720h", bounds, report, "the chart's default of 24h applies");
            return;
        }
        const scheduler = on(r.values, ["backendScheduler", "enabled"], (majorVersion(r) ?? 2) >= 3);
        // tempo.structuredConfig is merged over the rendered Tempo config, so it wins over the chart's own key.
        const structured = ["tempo", "structuredConfig", "compactor", "compaction", "block_retention"];
        const path = scheduler ? ["backendScheduler", "config", "provider", "compaction", "compaction", "block_retention"]
            : get(r.values, structured) !== undefined ? structured
            : ["compactor", "config", "compaction", "block_retention"];
        checkDuration(r, path, goDurationHours, "720h", bounds, report, "the chart's default of 48h applies");
    }),
};

const prometheusSchema = boundsSchema("Prometheus metrics", 24, 2160);

export const prometheusRetention: ResourceValidationPolicy = {
    name: "prometheus-retention",
    description: "Prometheus (kube-prometheus-stack) keeps metrics for an explicit, bounded retention period.",
    remediationSteps: 'Set prometheus.prometheusSpec.retention (Prometheus duration, e.g. "30d") within the configured bounds.',
    severity: "medium",
    configSchema: prometheusSchema,
    validateResource: forReleases(["kube-prometheus-stack"], (r, args, report) => {
        if (!on(r.values, ["prometheus", "enabled"], true)) return;
        const bounds = configOf<Bounds>(args, prometheusSchema);
        checkDuration(r, ["prometheus", "prometheusSpec", "retention"], promDurationHours, "30d", bounds, report,
            "the chart's default of 10d applies");
    }),
};
