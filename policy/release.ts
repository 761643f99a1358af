import * as k8s from "@pulumi/kubernetes";
import {
    PolicyConfigSchema, ReportViolation, ResourceValidation, ResourceValidationArgs, validateResourceOfType,
} from "@pulumi/policy";
import { Release, releaseOf } from "../charts/values";

export * from "../charts/values";

/** Validation of helm.v3.Release resources, optionally only for the given charts. */
export function forReleases(
    charts: string[] | "all",
    check: (r: Release, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
    return validateResourceOfType(k8s.helm.v3.Release, (props, args, report) => {
        const r = releaseOf(props, args.name);
        if (charts === "all" || charts.includes(r.chart)) check(r, args, report);
    });
}

export function schemaDefaults(schema?: PolicyConfigSchema): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(schema?.properties ?? {})
            .filter(([, p]) => typeof p === "object" && p.default !== undefined)
            .map(([k, p]) => [k, (p as { default: unknown }).default]),
    );
}

/** The policy's configuration with the schema defaults filled in, as the Pulumi CLI does (and a bare run does not). */
export function configOf<T>(args: { getConfig<C extends object>(): C }, schema: PolicyConfigSchema): T {
    return { ...schemaDefaults(schema), ...args.getConfig<object>() } as T;
}
