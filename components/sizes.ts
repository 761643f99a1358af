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
