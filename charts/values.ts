// Helm release values as the policies and the footprint read them: pure helpers, no Pulumi runtime.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Helm values are untyped JSON; callers read them by key path
export type Values = Record<string, any>;

/** A helm.v3.Release as the policies see it. */
export interface Release {
    /** Helm release name (the Pulumi resource name when `name` is unset). */
    name: string;
    /** Chart name without repository alias or OCI prefix: "loki", "tempo-distributed". */
    chart: string;
    /** `chart` as written: a name, "alias/name" or an oci:// URL. */
    chartRef: string;
    version?: string;
    repo?: string;
    values: Values;
}

export function releaseOf(props: Values, resourceName: string): Release {
    const chartRef = String(props.chart ?? "");
    return {
        name: props.name || resourceName,
        chart: chartRef.split("/").pop() ?? chartRef,
        chartRef,
        version: props.version,
        repo: props.repositoryOpts?.repo,
        values: props.values ?? {},
    };
}

/** Every message about a release starts with this: `release "loki" (loki 18.11.0)`. */
export function label(r: Release): string {
    return `release "${r.name}" (${r.chart}${r.version ? ` ${r.version}` : ""})`;
}

export function majorVersion(r: Release): number | undefined {
    const m = /^v?(\d+)\./.exec(r.version ?? "");
    return m ? Number(m[1]) : undefined;
}

/** Key path as written in messages: `"grafana.ini".security.password`, `alloy.extraPorts[0]`. */
export function pathText(path: (string | number)[]): string {
    return path
        .map((k, i) => (typeof k === "number" ? `[${k}]` : `${i ? "." : ""}${k.includes(".") ? JSON.stringify(k) : k}`))
        .join("");
}

export function get(values: unknown, path: (string | number)[]): unknown {
    let v: unknown = values;
    for (const k of path) {
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<string | number, unknown>)[k];
    }
    return v;
}

/** A boolean switch with the chart's default when unset. */
export function on(values: unknown, path: string[], chartDefault: boolean): boolean {
    const v = get(values, path);
    return v === undefined || v === null ? chartDefault : Boolean(v);
}

export function isEmpty(v: unknown): boolean {
    return v === undefined || v === null || v === "" || (typeof v === "object" && Object.keys(v as object).length === 0);
}
