import { k8sResources } from "./release";

/** Requests and limits for the charts' auxiliary containers (sidecars, exporters, gateways, jobs). */
export const aux = (cpu: string, memory: string, memoryLimit: string, cpuLimit = "200m") =>
    k8sResources({ requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } });

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
