import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { resourceQuotaHard } from "../plan/guardrails/quota";
import { containerDefaults } from "../plan/sizes";
import { Wiring } from "../plan/wiring";

/**
 * Pod Security admission: node-exporter (host network, PID and paths) and Alloy (the node's /var/log) need
 * `privileged`; everything else would pass `baseline`, so violations of it are warned about and audited.
 */
export const podSecurityLabels = {
    "pod-security.kubernetes.io/enforce": "privileged",
    "pod-security.kubernetes.io/warn": "baseline",
    "pod-security.kubernetes.io/audit": "baseline",
} as const;

export function stackNamespace(name: string, s: Settings, w: Wiring, opts: pulumi.CustomResourceOptions) {
    const ns = new k8s.core.v1.Namespace(
        `${name}-namespace`,
        { metadata: { name: s.namespace, labels: { ...podSecurityLabels } } },
        { ...opts, protect: s.protect },
    );
    new k8s.core.v1.LimitRange(
        `${name}-limits`,
        { metadata: { name: "container-defaults", namespace: ns.metadata.name }, spec: { limits: [{ type: "Container", ...containerDefaults }] } },
        opts,
    );
    new k8s.core.v1.ResourceQuota(
        `${name}-quota`,
        { metadata: { name: "monitoring-stack", namespace: ns.metadata.name }, spec: { hard: resourceQuotaHard(s, w) } },
        opts,
    );
    return ns;
}
