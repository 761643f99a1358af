/** Kubernetes resources block from settings (CPU limit only when set). */
export function k8sResources(r: { requests: { cpu: string; memory: string }; limits: { cpu?: string; memory: string } }) {
    const limits: Record<string, string> = r.limits.cpu ? { cpu: r.limits.cpu, memory: r.limits.memory } : { memory: r.limits.memory };
    return { requests: { ...r.requests }, limits };
}

/** Requests and limits for the charts' auxiliary containers (sidecars, exporters, gateways, jobs). */
export const aux = (cpu: string, memory: string, memoryLimit: string, cpuLimit = "200m") =>
    k8sResources({ requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } });

/**
 * Whether one pod per node can be required: the nodes must hold every replica, and for a Deployment that
 * rolls out by surging also the extra pod of a rolling update.
 */
export const hardAntiAffinity = (replicas: number, nodes: number, surges: boolean) => (surges ? replicas < nodes : replicas <= nodes);

export const pvc = (size: string, storageClass?: string) => ({
    spec: {
        ...(storageClass ? { storageClassName: storageClass } : {}),
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: size } },
    },
});

/** Defaults for any container started in the namespace without requests or limits (the LimitRange). */
export const containerDefaults = {
    defaultRequest: { cpu: "50m", memory: "64Mi" },
    default: { cpu: "500m", memory: "256Mi" },
} as const;
