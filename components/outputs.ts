import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MonitoringStack } from "./monitoring-stack";

/** The plan's outputs (every URL from the wiring), the namespace as created, the generated password and the smoke test's result. */
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
    };
}
