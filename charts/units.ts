// Parsers for the units the charts take: durations (Go and Prometheus grammar) and Kubernetes quantities.

const GO_UNIT_HOURS: Record<string, number> = {
    ns: 1 / 3.6e12, us: 1 / 3.6e9, "µs": 1 / 3.6e9, "μs": 1 / 3.6e9, ms: 1 / 3.6e6, s: 1 / 3600, m: 1 / 60, h: 1,
};

/** Go `time.ParseDuration` (Tempo's block_retention): "720h", "1h30m", "1.5h". No days. Undefined when invalid. */
export function goDurationHours(text: string): number | undefined {
    if (text === "0") return 0;
    if (!/^(\d*\.?\d*(ns|us|µs|μs|ms|s|m|h))+$/.test(text)) return undefined;
    let hours = 0;
    for (const [, num, unit] of text.matchAll(/(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/g)) {
        if (!/\d/.test(num)) return undefined;
        hours += Number(num) * GO_UNIT_HOURS[unit];
    }
    return hours;
}

const PROM_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const PROM_UNIT_HOURS = [365 * 24, 7 * 24, 24, 1, 1 / 60, 1 / 3600, 1 / 3.6e6];

/**
 * Prometheus `model.Duration` (Prometheus retention, and Loki's retention_period): "30d", "744h", "1w2d",
 * integer units in descending order, no fractions. Undefined when invalid.
 */
export function promDurationHours(text: string): number | undefined {
    if (text === "0") return 0;
    const m = PROM_DURATION.exec(text);
    if (!m || text === "") return undefined;
    return m.slice(1).reduce((sum, n, i) => sum + (n ? Number(n) * PROM_UNIT_HOURS[i] : 0), 0);
}

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const SUFFIX: Record<string, number> = {
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
    n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

/** A Kubernetes quantity ("250m", "1", "512Mi", "1e3", or a bare number) in base units; undefined when invalid. */
export function quantity(value: unknown): number | undefined {
    if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
    if (typeof value !== "string") return undefined;
    const m = QUANTITY.exec(value.trim());
    if (!m) return undefined;
    const [, num, suffix] = m;
    if (!suffix) return Number(num);
    if (/^[eE]/.test(suffix)) return Number(num) * 10 ** Number(suffix.slice(1));
    return Number(num) * SUFFIX[suffix];
}
