// The Pod Security Standards (Kubernetes v1.33, kubernetes.io/docs/concepts/security/pod-security-standards)
// as a function of a pod spec: every `baseline` and `restricted` control, each violation as a message.
// Ported from the evaluator the stack's renders were checked with (real Helm output of the pinned charts).
import { Values } from "../charts/values";

export type PodSpec = Values;
export type Level = "privileged" | "baseline" | "restricted";

export interface Evaluation {
    /** Controls of `baseline` the pod breaks: with any of these it is admitted only by `privileged`. */
    baseline: string[];
    /** Controls `restricted` adds that the pod breaks. */
    restricted: string[];
    /** The strictest level that admits the pod. */
    level: Level;
}

const BASELINE_CAPS = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);
const SAFE_SYSCTLS = new Set(["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]);
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
const RESTRICTED_VOLUMES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);
const VOLUME_SOURCES = ["hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
    "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile",
    "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO",
    "storageos", "csi", "ephemeral", "image"];

interface Container { c: Values; kind: "initContainer" | "container" | "ephemeralContainer" }

export function containersOf(spec: PodSpec): Container[] {
    return [
        ...(spec.initContainers ?? []).map((c: Values) => ({ c, kind: "initContainer" as const })),
        ...(spec.containers ?? []).map((c: Values) => ({ c, kind: "container" as const })),
        ...(spec.ephemeralContainers ?? []).map((c: Values) => ({ c, kind: "ephemeralContainer" as const })),
    ];
}

/** Evaluates one pod spec (and its template's annotations, for AppArmor) against both profiles. */
export function evaluate(spec: PodSpec, annotations: Record<string, string> = {}): Evaluation {
    const B: string[] = [];
    const R: string[] = [];
    const psc = spec.securityContext ?? {};
    const cs = containersOf(spec);
    const name = (x: Container) => `${x.kind === "container" ? "" : `${x.kind} `}${x.c.name}`;
    const sc = (x: Container) => x.c.securityContext ?? {};

    // ---- baseline ----
    if (psc.windowsOptions?.hostProcess) B.push("hostProcess (pod)");
    for (const x of cs) if (sc(x).windowsOptions?.hostProcess) B.push(`hostProcess (${name(x)})`);
    for (const k of ["hostNetwork", "hostPID", "hostIPC"]) if (spec[k]) B.push(`${k}: true`);
    for (const x of cs) if (sc(x).privileged) B.push(`privileged (${name(x)})`);
    for (const x of cs) {
        const bad = ((sc(x).capabilities?.add ?? []) as string[]).filter(a => !BASELINE_CAPS.has(a));
        if (bad.length) B.push(`capabilities.add ${bad.join(",")} (${name(x)})`);
    }
    const hostPaths = (spec.volumes ?? []).filter((v: Values) => v.hostPath).map((v: Values) => `${v.name}=${v.hostPath.path}`);
    if (hostPaths.length) B.push(`hostPath volumes ${hostPaths.join(", ")}`);
    for (const x of cs) for (const p of x.c.ports ?? []) if (p.hostPort) B.push(`hostPort ${p.hostPort} (${name(x)})`);
    const appArmorOk = (t: unknown) => t === undefined || t === "RuntimeDefault" || t === "Localhost";
    if (!appArmorOk(psc.appArmorProfile?.type)) B.push(`appArmorProfile ${psc.appArmorProfile.type} (pod)`);
    for (const x of cs) if (!appArmorOk(sc(x).appArmorProfile?.type)) B.push(`appArmorProfile ${sc(x).appArmorProfile.type} (${name(x)})`);
    for (const [k, v] of Object.entries(annotations)) {
        if (k.startsWith("container.apparmor.security.beta.kubernetes.io/") && !(v === "runtime/default" || v.startsWith("localhost/"))) B.push(`AppArmor annotation ${k}=${v}`);
    }
    const seLinux = (o: Values | undefined, where: string) => {
        if (!o) return;
        if (o.type !== undefined && !SELINUX_TYPES.has(o.type)) B.push(`seLinuxOptions.type ${o.type} (${where})`);
        if (o.user) B.push(`seLinuxOptions.user (${where})`);
        if (o.role) B.push(`seLinuxOptions.role (${where})`);
    };
    seLinux(psc.seLinuxOptions, "pod");
    for (const x of cs) seLinux(sc(x).seLinuxOptions, name(x));
    for (const x of cs) if (sc(x).procMount !== undefined && sc(x).procMount !== "Default") B.push(`procMount ${sc(x).procMount} (${name(x)})`);
    if (psc.seccompProfile?.type === "Unconfined") B.push("seccompProfile Unconfined (pod)");
    for (const x of cs) if (sc(x).seccompProfile?.type === "Unconfined") B.push(`seccompProfile Unconfined (${name(x)})`);
    for (const s of psc.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name)) B.push(`unsafe sysctl ${s.name}`);

    // ---- restricted ----
    for (const v of spec.volumes ?? []) {
        const type = VOLUME_SOURCES.find(k => v[k] !== undefined) ?? Object.keys(v).find(k => k !== "name");
        if (!RESTRICTED_VOLUMES.has(type!)) R.push(`volume type ${type} (${v.name})`);
    }
    const escalating = cs.filter(x => sc(x).allowPrivilegeEscalation !== false).map(name);
    if (escalating.length) R.push(`allowPrivilegeEscalation != false (${escalating.join(", ")})`);
    // runAsNonRoot: true on the pod (no container false), or on every container.
    if (psc.runAsNonRoot === false) R.push("runAsNonRoot: false (pod)");
    const mayRunAsRoot = cs.filter(x => sc(x).runAsNonRoot === false || (sc(x).runAsNonRoot === undefined && psc.runAsNonRoot !== true)).map(name);
    if (mayRunAsRoot.length) R.push(`runAsNonRoot != true (${mayRunAsRoot.join(", ")})`);
    if (psc.runAsUser === 0) R.push("runAsUser: 0 (pod)");
    for (const x of cs) if (sc(x).runAsUser === 0) R.push(`runAsUser: 0 (${name(x)})`);
    const seccompOk = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
    const unconfined = cs.filter(x => (sc(x).seccompProfile?.type === undefined ? !seccompOk(psc.seccompProfile?.type) : !seccompOk(sc(x).seccompProfile.type))).map(name);
    if (unconfined.length) R.push(`seccompProfile not RuntimeDefault or Localhost (${unconfined.join(", ")})`);
    const keepsCaps = cs.filter(x => !((sc(x).capabilities?.drop ?? []) as string[]).includes("ALL")).map(name);
    if (keepsCaps.length) R.push(`capabilities.drop lacks ALL (${keepsCaps.join(", ")})`);
    for (const x of cs) {
        const add = ((sc(x).capabilities?.add ?? []) as string[]).filter(a => a !== "NET_BIND_SERVICE");
        if (add.length) R.push(`capabilities.add ${add.join(",")} (${name(x)})`);
    }
    return { baseline: B, restricted: R, level: B.length ? "privileged" : R.length ? "baseline" : "restricted" };
}
