// Pod Security: the security contexts the program hands to the charts and puts on its own pods. Every pod
// in the main namespace meets the `restricted` Pod Security Standard; the node agents in the node
// namespace keep only the host access they need (tests/pss.ts evaluates both).

/** The container runtime's default seccomp profile (pod level: every container inherits it). */
export const runtimeDefaultSeccomp = { seccompProfile: { type: "RuntimeDefault" } } as const;

/** A container that cannot gain privileges, has no capabilities and cannot write its image. */
export const lockedDownContainer = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
} as const;

/** Pod Security admission labels of a namespace: one level enforced, one warned about and audited. */
export function podSecurityLabels(enforce: "restricted" | "privileged", warn: "restricted" | "baseline") {
    return {
        "pod-security.kubernetes.io/enforce": enforce,
        "pod-security.kubernetes.io/warn": warn,
        "pod-security.kubernetes.io/audit": warn,
    };
}

/** Grafana's chart sets seccomp per container, not on the pod: stated with every container context the values give. */
export const grafanaContainerSecurity = { ...lockedDownContainer, ...runtimeDefaultSeccomp };
