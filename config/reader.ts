// Reads one structured config value, collecting errors that name the full key path, the bad value and
// what is expected. Unknown keys are refused with a "did you mean" hint.

export class ConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

const show = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));

export function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const cur = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
            prev = cur;
        }
    }
    return row[b.length];
}

export function suggest(key: string, known: string[]): string | undefined {
    const scored = known.map(k => ({ k, d: editDistance(key, k) })).sort((x, y) => x.d - y.d);
    const best = scored[0];
    return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.k : undefined;
}

/** A duration as Loki, Tempo and Go accept it: "744h", "1h30m", "90s". */
export const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
/** A duration as Prometheus accepts it: "30d", "2w", "12h". */
export const PROM_DURATION = /^(\d+(y|w|d|h|ms|m|s))+$/;
export const CPU = /^(\d+m|\d+(\.\d+)?)$/;
export const MEMORY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$/;
export const SEMVER = /^\d+\.\d+\.\d+$/;
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const HOSTNAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export type Kind = "string" | "required" | "enum" | "duration" | "int" | "bool" | "quantity" | "object"
    /** An object whose keys the user names (alerting.receivers). */
    | "map"
    /** A name, or a list of names, of something declared elsewhere (a route's receivers). */
    | "names"
    /** A list of strings (label names, group names, scopes). */
    | "list"
    /** A list of names from a fixed set (lifecycle.acknowledge). */
    | "choices";

/** Told of every key a reader looks at, with the kind of value it expects (tests enumerate the settings with it). */
export type Trace = (path: string, kind: Kind) => void;

export class Reader {
    private readonly seen = new Set<string>();
    private readonly obj: Record<string, unknown>;

    constructor(
        readonly path: string,
        raw: unknown,
        private readonly errors: string[],
        private readonly trace: Trace = () => undefined,
    ) {
        if (raw === undefined || raw === null) {
            this.obj = {};
        } else if (typeof raw !== "object" || Array.isArray(raw)) {
            errors.push(`${path} must be an object, got ${show(raw)}`);
            this.obj = {};
        } else {
            this.obj = raw as Record<string, unknown>;
        }
    }

    has(key: string): boolean {
        return this.obj[key] !== undefined && this.obj[key] !== null;
    }

    private take(key: string, kind: Kind): unknown {
        this.seen.add(key);
        this.trace(this.key(key), kind);
        return this.obj[key];
    }

    private key(key: string): string {
        return this.path ? `${this.path}.${key}` : key;
    }

    private fail(key: string, expected: string, value: unknown): undefined {
        this.errors.push(`${this.key(key)} must be ${expected}, got ${show(value)}`);
        return undefined;
    }

    string(key: string, dflt: string, check?: { pattern: RegExp; expected: string }): string;
    string(key: string, dflt: undefined, check?: { pattern: RegExp; expected: string }): string | undefined;
    string(key: string, dflt: string | undefined, check?: { pattern: RegExp; expected: string }): string | undefined {
        const v = this.take(key, "string");
        if (v === undefined || v === null) return dflt;
        const expected = check?.expected ?? "a non-empty string";
        if (typeof v !== "string" || v.trim() === "") return this.fail(key, expected, v) ?? dflt;
        if (check && !check.pattern.test(v)) return this.fail(key, expected, v) ?? dflt;
        return v;
    }

    /** A required string: missing is an error. */
    required(key: string, check?: { pattern: RegExp; expected: string }, why = ""): string {
        this.trace(this.key(key), "required");
        if (!this.has(key)) {
            this.seen.add(key);
            this.errors.push(`${this.key(key)} is required${why}`);
            return "";
        }
        return this.string(key, "", check);
    }

    oneOf<T extends string>(key: string, allowed: readonly T[], dflt: T): T {
        const v = this.take(key, "enum");
        if (v === undefined || v === null) return dflt;
        if (typeof v !== "string" || !allowed.includes(v as T)) {
            const hint = typeof v === "string" ? suggest(v, [...allowed]) : undefined;
            this.errors.push(
                `${this.key(key)} must be one of ${allowed.map(a => `"${a}"`).join(", ")}, got ${show(v)}` +
                    (hint ? ` (did you mean "${hint}"?)` : ""),
            );
            return dflt;
        }
        return v as T;
    }

    /** `grammar`: Go's time.ParseDuration (Tempo) or Prometheus' model.Duration (Prometheus, Loki's limits). */
    duration(key: string, dflt: string, grammar: "go" | "prometheus", example: string): string {
        this.trace(this.key(key), "duration");
        const pattern = grammar === "go" ? GO_DURATION : PROM_DURATION;
        return this.string(key, dflt, { pattern, expected: `a duration like "${example}"` });
    }

    int(key: string, dflt: number, min: number, max: number): number {
        const v = this.take(key, "int");
        if (v === undefined || v === null) return dflt;
        if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
            return this.fail(key, `an integer from ${min} to ${max}`, v) ?? dflt;
        }
        return v;
    }

    bool(key: string, dflt: boolean): boolean {
        const v = this.take(key, "bool");
        if (v === undefined || v === null) return dflt;
        if (typeof v !== "boolean") return this.fail(key, "true or false", v) ?? dflt;
        return v;
    }

    quantity(key: string, dflt: string, kind: "cpu" | "memory"): string;
    quantity(key: string, dflt: string | undefined, kind: "cpu" | "memory"): string | undefined;
    quantity(key: string, dflt: string | undefined, kind: "cpu" | "memory"): string | undefined {
        const expected = kind === "cpu" ? 'a CPU quantity like "250m" or "1"' : 'a memory quantity like "512Mi" or "2Gi"';
        const v = this.take(key, "quantity");
        if (v === undefined || v === null) return dflt;
        const s = typeof v === "number" && kind === "cpu" ? String(v) : v;
        if (typeof s !== "string" || !(kind === "cpu" ? CPU : MEMORY).test(s)) return this.fail(key, expected, v) ?? dflt;
        return s;
    }

    /** A list of strings, each matching `check`. */
    list(key: string, check: { pattern: RegExp; expected: string }): string[] {
        const v = this.take(key, "list");
        if (v === undefined || v === null) return [];
        const expected = `a list of ${check.expected}`;
        if (!Array.isArray(v) || v.some(x => typeof x !== "string" || !check.pattern.test(x))) return this.fail(key, expected, v) ?? [];
        return v as string[];
    }

    /** A list of distinct strings, each one of `allowed` (a near miss gets a "did you mean"). */
    choices<T extends string>(key: string, allowed: readonly T[]): T[] {
        const v = this.take(key, "choices");
        if (v === undefined || v === null) return [];
        if (!Array.isArray(v)) return this.fail(key, `a list of ${allowed.map(a => `"${a}"`).join(", ")}`, v) ?? [];
        const out: T[] = [];
        for (const item of v) {
            if (typeof item !== "string" || !allowed.includes(item as T)) {
                const hint = typeof item === "string" ? suggest(item, [...allowed]) : undefined;
                this.errors.push(
                    `${this.key(key)} may only list ${allowed.map(a => `"${a}"`).join(", ")}, got ${show(item)}` + (hint ? ` (did you mean "${hint}"?)` : ""),
                );
            } else if (!out.includes(item as T)) {
                out.push(item as T);
            }
        }
        return out;
    }

    child(key: string): Reader {
        return new Reader(this.key(key), this.take(key, "object"), this.errors, this.trace);
    }

    /** An object whose keys the user names: read each entry with child(), list them with keys(). */
    map(key: string): Reader {
        return new Reader(this.key(key), this.take(key, "map"), this.errors, this.trace);
    }

    /** The keys present, in the order given. */
    keys(): string[] {
        return Object.keys(this.obj).filter(k => this.obj[k] !== undefined && this.obj[k] !== null);
    }

    /** The value as given, for a parser of its own; marks the key as read. */
    raw(key: string, kind: Kind): unknown {
        return this.take(key, kind);
    }

    /** Marks keys as known that are read elsewhere (the secret settings): `done()` accepts them. */
    accept(...keys: string[]): void {
        keys.forEach(k => this.seen.add(k));
    }

    /** Reports every key that no reader asked for. Call after reading all known keys; `alsoKnown` widens the suggestions. */
    done(alsoKnown: string[] = []): void {
        const known = [...new Set([...this.seen, ...alsoKnown])];
        for (const k of Object.keys(this.obj)) {
            if (this.seen.has(k) || this.obj[k] === undefined) continue;
            const hint = suggest(k, known);
            this.errors.push(
                `${this.key(k)} is not a known setting` +
                    (hint ? ` (did you mean "${this.key(hint)}"?)` : `; known keys: ${known.join(", ")}`),
            );
        }
    }

    error(message: string): void {
        this.errors.push(message);
    }
}
