import * as k8s from "@pulumi/kubernetes";
import { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { quantity } from "../charts/units";
import { configOf, get, label, pathText, releaseOf } from "./release";
import { chartWorkloads } from "../charts/workloads";

const schema: PolicyConfigSchema = {
    properties: {
        requireCpuLimit: {
            type: "boolean",
            default: false,
            description: "Also require limits.cpu (CPU limits throttle; many clusters leave them off on purpose).",
        },
        includeTestPods: {
            type: "boolean",
            default: true,
            description: "Also check Helm test hook pods, which only `helm test` starts.",
        },
    },
};

interface Config {
    requireCpuLimit: boolean;
    includeTestPods: boolean;
}

/** Where each workload kind keeps its pod spec. */
const POD_SPEC: Record<string, string[]> = {
    "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
    "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
    "kubernetes:core/v1:Pod": ["spec"],
};

/** What is wrong with a resources block, as [field path under it, problem]. */
export function resourceProblems(resources: unknown, requireCpuLimit: boolean): [string[], string][] {
    const problems: [string[], string][] = [];
    const required: [string, string][] = [["requests", "cpu"], ["requests", "memory"], ["limits", "memory"]];
    if (requireCpuLimit) required.push(["limits", "cpu"]);
    for (const field of required) {
        const v = get(resources, field);
        if (v === undefined || v === null || v === "" || v === 0 || v === "0") problems.push([field, "is not set"]);
        else if (quantity(v) === undefined) problems.push([field, `is ${JSON.stringify(v)}, not a Kubernetes quantity`]);
    }
    for (const kind of ["cpu", "memory"]) {
        const request = get(resources, ["requests", kind]);
        const limit = get(resources, ["limits", kind]);
        const [r, l] = [quantity(request), quantity(limit)];
        if (r !== undefined && l !== undefined && l > 0 && r > l) {
            problems.push([["requests", kind], `(${request}) exceeds limits.${kind} (${limit})`]);
        }
    }
    return problems;
}

function checkRelease(args: ResourceValidationArgs, cfg: Config, report: ReportViolation) {
    const r = releaseOf(args.props, args.name);
    for (const w of chartWorkloads(r) ?? []) {
        if (w.test && !cfg.includeTestPods) continue;
        if (w.noResourcesKey) {
            report(`${label(r)}: ${w.what} has no resources key in this chart; set ${pathText(w.offSwitch!)}: false`);
            continue;
        }
        const source = w.from ? `; taken from ${pathText(w.from)} because ${pathText(w.path)} is empty` : "";
        const off = w.offSwitch ? `; or set ${pathText(w.offSwitch)}: false` : "";
        for (const [field, problem] of resourceProblems(w.resources, cfg.requireCpuLimit)) {
            report(`${label(r)}: ${pathText([...(w.from ?? w.path), ...field])} ${problem} (${w.what}${source}${off})`);
        }
    }
}

function checkWorkload(args: ResourceValidationArgs, specPath: string[], cfg: Config, report: ReportViolation) {
    const kind = args.type.split(":").pop();
    const name = get(args.props, ["metadata", "name"]) ?? args.name;
    for (const list of ["initContainers", "containers"]) {
        const containers = get(args.props, [...specPath, list]);
        if (!Array.isArray(containers)) continue;
        containers.forEach((c, i) => {
            const at = [...specPath, list, i];
            for (const [field, problem] of resourceProblems(c?.resources, cfg.requireCpuLimit)) {
                report(`${kind} "${name}" container "${c?.name}": ${pathText([...at, "resources", ...field])} ${problem}`);
            }
        });
    }
}

export const resourceLimits: ResourceValidationPolicy = {
    name: "resource-limits",
    description: "Every container the stack runs has CPU and memory requests and a memory limit, and no request exceeds its limit.",
    remediationSteps:
        "For a Helm release, set requests.cpu, requests.memory and limits.memory at the values key path named in the message "
        + "(or turn the component off); for a Deployment, StatefulSet, DaemonSet, Job or Pod, set them on every container and "
        + "initContainer. Keep each request at or below its limit.",
    severity: "high",
    configSchema: schema,
    validateResource: (args, report) => {
        const cfg = configOf<Config>(args, schema);
        if (args.isType(k8s.helm.v3.Release)) checkRelease(args, cfg, report);
        else if (POD_SPEC[args.type]) checkWorkload(args, POD_SPEC[args.type], cfg, report);
    },
};
