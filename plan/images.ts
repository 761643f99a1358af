// One registry mirror for every image: each chart's own global key, which each chart gives precedence
// over its components' registries (tempo-distributed: only while they stay unset, as here). Pull secrets
// where each chart takes them, in the shape its templates expect.
import { ChartKey } from "../charts/table";
import { ImageSettings } from "../config/settings";
import { Values } from "./types";

const isMap = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);

/** Merges `over` into `base` map by map (lists and scalars of `over` win). */
export function mergeValues(base: Values, over: Values): Values {
    const out: Values = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = isMap(out[k]) && isMap(v) ? mergeValues(out[k], v) : v;
    return out;
}

/** The values that move a chart's images to the mirror and give its pods the pull secrets. */
export function imageValues(chart: ChartKey, images: ImageSettings): Values {
    const registry = images.registry;
    const names = images.pullSecrets;
    const refs = names.map(name => ({ name }));
    const some = <T>(list: T[]) => list.length > 0;
    if (!registry && !some(names)) return {};
    switch (chart) {
        // Only CustomResourceDefinitions: no pod, no image.
        case "prometheus-operator-crds":
            return {};
        // global.imageRegistry (values.yaml:357) reaches every image, the subcharts' too (Helm passes `global` down);
        // global.imagePullSecrets (:362) takes {name} maps, also into the Prometheus and Alertmanager CRs.
        case "kube-prometheus-stack":
            return { global: { ...(registry ? { imageRegistry: registry } : {}), ...(some(names) ? { imagePullSecrets: refs } : {}) } };
        // global.imageRegistry (values.yaml:13) wins over every component registry; pull secrets only at the top level (:59), as {name} maps.
        case "loki":
            return { ...(registry ? { global: { imageRegistry: registry } } : {}), ...(some(names) ? { imagePullSecrets: refs } : {}) };
        // global.imageRegistry (values.yaml:6); tempo.pullSecrets (commented at :31-35) takes names.
        case "tempo":
            return { ...(registry ? { global: { imageRegistry: registry } } : {}), ...(some(names) ? { tempo: { pullSecrets: names } } : {}) };
        // global.image.registry (values.yaml:4) and global.image.pullSecrets (:10, names).
        case "tempo-distributed":
        case "alloy":
            return { global: { image: { ...(registry ? { registry } : {}), ...(some(names) ? { pullSecrets: chart === "alloy" ? refs : names } : {}) } } };
        // global.imageRegistry (values.yaml:3) and global.imagePullSecrets (:17, names or maps).
        case "grafana":
            return { global: { ...(registry ? { imageRegistry: registry } : {}), ...(some(names) ? { imagePullSecrets: refs } : {}) } };
    }
}

/** An image of the program's own objects, moved to the mirror when there is one. */
export const mirrored = (images: ImageSettings, reference: string) => (images.registry ? `${images.registry}/${reference.replace(/^[^/]+\//, "")}` : reference);
