import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartKey, charts } from "../charts/table";

export interface ReleaseArgs {
    chart: ChartKey;
    /** Fixed release name: service DNS names and the stack outputs derive from it. */
    name: string;
    namespace: pulumi.Input<string>;
    version: string;
    values: pulumi.Input<Record<string, unknown>>;
}

/** A Helm release with the settings every release of this stack shares. */
export function helmRelease(args: ReleaseArgs, opts: pulumi.CustomResourceOptions): k8s.helm.v3.Release {
    const spec = charts[args.chart];
    return new k8s.helm.v3.Release(
        args.name,
        {
            name: args.name,
            chart: spec.chart,
            version: args.version,
            repositoryOpts: { repo: spec.repo },
            namespace: args.namespace,
            values: args.values,
            atomic: true,
            cleanupOnFail: true,
            timeout: spec.timeout,
        },
        { deleteBeforeReplace: true, ...opts },
    );
}
