import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEPLOYED_SHAPE_OUTPUT } from "../plan";
import { MonitoringStack } from "./monitoring-stack";

/**
 * The plan's outputs (every URL from the wiring), the namespace as created, the generated password, the smoke
 * test's result and the deployed shape.
 */
export function stackOutputs(stack: MonitoringStack) {
    const job = stack.parts.get("smoke-test")?.objects.get("") as k8s.batch.v1.Job | undefined;
    const smokeTest = job
        ? pulumi.all([job.metadata.name, job.status]).apply(([jobName, status]) =>
            status?.succeeded ? `passed: a trace, a log line and a metric went through Alloy and came back (job ${jobName})` : `not passed (job ${jobName})`)
        : "disabled (smokeTest: false)";
    return {
        ...stack.plan.outputs,
        namespace: stack.namespace,
        nodeNamespace: stack.nodeNamespace,
        grafanaAdminPassword: pulumi.secret(stack.grafanaAdminPassword),
        smokeTest,
        // Read back by the next deployment (components/deployed.ts) to refuse changes that cannot apply in place.
        [DEPLOYED_SHAPE_OUTPUT]: stack.plan.shape,
    };
}
