import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ReleasePlan } from "../plan";
import { Checksums } from "./checksums";

/** A planned Helm release as a helm.v3.Release. */
export function helmRelease(r: ReleasePlan, namespace: pulumi.Input<string>, checksums: Checksums, opts: pulumi.CustomResourceOptions): k8s.helm.v3.Release {
    return new k8s.helm.v3.Release(
        r.name,
        {
            name: r.name,
            chart: r.chartName,
            version: r.version,
            repositoryOpts: { repo: r.repo },
            namespace,
            // checksumOf() strings (pod annotations) become the hashes of the Secrets the pods read.
            values: checksums.fill(r.values),
            atomic: true,
            cleanupOnFail: true,
            timeout: r.timeout,
            maxHistory: r.maxHistory,
        },
        { deleteBeforeReplace: r.deleteBeforeReplace, ...opts },
    );
}
