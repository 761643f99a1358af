import * as pulumi from "@pulumi/pulumi";
import { DEPLOYED_SHAPE_OUTPUT } from "../plan";

/**
 * The deployed shape the stack's own last deployment recorded, read with a StackReference to this very stack
 * (`<organization>/<project>/<stack>`). A StackReference is read on every run, preview included, so the value is
 * known before any resource is built; a read is not a change (`pulumi preview --expect-no-changes` passes).
 * Undefined on a first install: the stack exists but has no outputs yet.
 */
export async function lastDeployedShape(): Promise<unknown> {
    const self = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    const ref = new pulumi.StackReference("monitoring-last-deployment", { name: self });
    const details = await ref.getOutputDetails(DEPLOYED_SHAPE_OUTPUT);
    return details.value ?? details.secretValue;
}
