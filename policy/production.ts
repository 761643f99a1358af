import * as k8s from "@pulumi/kubernetes";
import { PolicyConfigSchema, ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, forReleases, get, isEmpty, label, majorVersion, on, pathText, Release, releaseOf, Values } from "./release";
import { lokiShape, lokiTargets, tempoComponents } from "../charts/workloads";

const replicasSchema: PolicyConfigSchema = {
    properties: {
        minReplicas: { type: "integer", minimum: 1, default: 2, description: "Fewest replicas each stateful backend target may run." },
    },
};

function checkReplicas(r: Release, components: { component: string; replicas: number }[], wanted: string[], min: number,
    report: ReportViolation) {
    for (const name of wanted) {
        const found = components.find(c => c.component === name)?.replicas ?? 0;
        if (found < min) {
            const key = on(r.values, [name, "autoscaling", "enabled"], false) ? [name, "autoscaling", "minReplicas"] : [name, "replicas"];
            report(`${label(r)}: ${pathText(key)} is ${found}, fewer than ${min}`);
        }
    }
}

export const productionReplicas: ResourceValidationPolicy = {
    name: "production-replicas",
    description: "The stateful backends run replicated: Loki read/write/backend in SimpleScalable mode and the Tempo ingester, "
        + "distributor, querier and query-frontend, each with at least the configured number of replicas.",
    remediationSteps:
        "Run Loki with deploymentMode: SimpleScalable (object storage) and write/read/backend.replicas >= minReplicas, and Tempo "
        + "with the tempo-distributed chart and ingester/distributor/querier/queryFrontend.replicas >= minReplicas.",
    severity: "medium",
    configSchema: replicasSchema,
    validateResource: forReleases(["loki", "tempo", "tempo-distributed"], (r, args, report) => {
        const { minReplicas } = configOf<{ minReplicas: number }>(args, replicasSchema);
        if (r.chart === "tempo") {
            report(`${label(r)}: chart "tempo" runs Tempo as a single monolithic binary; use tempo-distributed`);
        } else if (r.chart === "tempo-distributed") {
            const stateful = (majorVersion(r) ?? 2) >= 3 ? "liveStore" : "ingester";
            checkReplicas(r, tempoComponents(r), [stateful, "distributor", "querier", "queryFrontend"], minReplicas, report);
        } else {
            const shape = lokiShape(r);
            const mode = shape.modeIsDefault ? `unset (the chart's default is ${shape.mode})` : `"${shape.mode}"`;
            if (shape.monolithic) {
                report(`${label(r)}: deploymentMode is ${mode}, which runs Loki as one single binary; use SimpleScalable`);
            } else if (!shape.scalable && !shape.distributed) {
                report(`${label(r)}: deploymentMode is ${mode} but loki.storage.type is not an object store, so the chart renders no replicated targets`);
            } else {
                const wanted = shape.scalable ? ["write", "read", "backend"] : ["ingester", "distributor", "querier", "queryFrontend"];
                checkReplicas(r, lokiTargets(r), wanted, minReplicas, report);
            }
        }
    }),
};

/** A Loki or Tempo persistence block that keeps data across pod restarts (`keys`: the switches that create a PVC). */
function persistent(v: Values, path: string[], keys: [string, boolean][]): boolean {
    const p = get(v, path);
    return keys.some(([k, dflt]) => on(p, [k], dflt)) && !on(p, ["inMemory"], false) && get(p, ["type"]) !== "ephemeral";
}

export const productionPersistence: ResourceValidationPolicy = {
    name: "production-persistence",
    description: "Data survives a pod restart: Loki, the Tempo ingester, Prometheus and Grafana write to persistent volumes.",
    remediationSteps:
        "Enable the PVCs: Loki singleBinary.persistence.enabled (Monolithic) or write/backend.persistence.volumeClaimsEnabled "
        + "(SimpleScalable); Tempo persistence.enabled (tempo chart) or ingester.persistence.enabled (tempo-distributed); "
        + "kube-prometheus-stack prometheus.prometheusSpec.storageSpec.volumeClaimTemplate; Grafana persistence.enabled.",
    severity: "medium",
    validateResource: forReleases(["loki", "tempo", "tempo-distributed", "kube-prometheus-stack", "grafana"], (r, _args, report) => {
        const v = r.values;
        const missing = (path: string[]) => report(`${label(r)}: ${pathText(path)} does not give it a persistent volume`);
        const grafanaPersistence = (prefix: string[]) => {
            if (!on(v, [...prefix, "persistence", "enabled"], false)) missing([...prefix, "persistence", "enabled"]);
        };
        switch (r.chart) {
            case "loki": {
                const shape = lokiShape(r);
                const stateful = shape.scalable ? ["write", "backend"] : shape.monolithic ? ["singleBinary"] : [];
                for (const target of stateful.filter(t => lokiTargets(r).some(x => x.component === t))) {
                    const keys: [string, boolean][] = target === "singleBinary" ? [["enabled", true]] : [["volumeClaimsEnabled", true], ["enabled", false]];
                    if (!persistent(v, [target, "persistence"], keys)) missing([target, "persistence"]);
                }
                break;
            }
            case "tempo":
                if (!persistent(v, ["persistence"], [["enabled", false]])) missing(["persistence", "enabled"]);
                break;
            case "tempo-distributed":
                if ((majorVersion(r) ?? 2) < 3 && !persistent(v, ["ingester", "persistence"], [["enabled", false]])) {
                    missing(["ingester", "persistence", "enabled"]);
                }
                break;
            case "kube-prometheus-stack":
                if (on(v, ["prometheus", "enabled"], true) && isEmpty(get(v, ["prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate"]))) {
                    missing(["prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate"]);
                }
                if (on(v, ["grafana", "enabled"], true)) grafanaPersistence(["grafana"]);
                break;
            case "grafana":
                grafanaPersistence([]);
                break;
        }
    }),
};

/** Every enabled `ingress` block in the values, with its key path. */
function ingresses(values: unknown, path: string[] = []): { path: string[]; ingress: Values }[] {
    if (typeof values !== "object" || values === null || Array.isArray(values)) return [];
    return Object.entries(values).flatMap(([k, v]) =>
        k === "ingress" && typeof v === "object" && v !== null && !Array.isArray(v) && v.enabled === true
            ? [{ path: [...path, k], ingress: v as Values }]
            : ingresses(v, [...path, k]));
}

const covers = (pattern: string, host: string) => pattern === host || (pattern.startsWith("*.") && host.endsWith(pattern.slice(1)));

/** Hosts an Ingress serves that no TLS entry covers (all of them when there is no TLS entry). */
export function uncoveredHosts(hosts: string[], tls: unknown): string[] | "no-tls" {
    if (!Array.isArray(tls) || tls.length === 0) return "no-tls";
    const tlsHosts = tls.flatMap(t => (Array.isArray(t?.hosts) ? t.hosts : []));
    return hosts.filter(h => !tlsHosts.some((p: string) => covers(p, h)));
}

const hostNames = (hosts: unknown, key: string): string[] =>
    (Array.isArray(hosts) ? hosts : [])
        .map((h: unknown) => (typeof h === "string" ? h : String((h as Values)?.[key] ?? "")))
        .filter(Boolean);

function checkTls(where: string, tlsPath: string[], hosts: string[], tls: unknown, report: ReportViolation) {
    const gaps = uncoveredHosts(hosts, tls);
    if (gaps === "no-tls") report(`${where}: ${pathText(tlsPath)} is empty, so the ingress serves plain HTTP`);
    else if (gaps.length) report(`${where}: ${pathText(tlsPath)} does not cover ${gaps.join(", ")}`);
}

export const productionIngressTls: ResourceValidationPolicy = {
    name: "production-ingress-tls",
    description: "Every enabled ingress (Grafana's, or any other chart's or the program's own) terminates TLS for all of its hosts.",
    remediationSteps: "Add tls entries (secretName and hosts, e.g. issued by cert-manager) that cover every ingress host.",
    severity: "high",
    validateResource: (args, report) => {
        if (args.type === "kubernetes:networking.k8s.io/v1:Ingress") {
            const name = get(args.props, ["metadata", "name"]) ?? args.name;
            checkTls(`Ingress "${name}"`, ["spec", "tls"], hostNames(get(args.props, ["spec", "rules"]), "host"), get(args.props, ["spec", "tls"]), report);
        } else if (args.isType(k8s.helm.v3.Release)) {
            const r = releaseOf(args.props, args.name);
            for (const { path, ingress } of ingresses(r.values)) {
                checkTls(label(r), [...path, "tls"], hostNames(ingress.hosts, "host"), ingress.tls, report);
            }
        }
    },
};
