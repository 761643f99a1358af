import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Secrets } from "../config";
import { ComponentKey, ObjectPlan, Owner, StackPlan, Step } from "../plan";
import { Checksums } from "./checksums";
import { k8sObject, settingsResolver } from "./objects";
import { Part } from "./parts";

export interface MonitoringStackArgs {
    plan: StackPlan;
    secrets: Secrets;
}

/**
 * Materializes the plan: the namespace and the objects beside it, one component per Helm release and per
 * group of the program's own objects, each waiting for what the plan says it waits for.
 */
export class MonitoringStack extends pulumi.ComponentResource {
    readonly plan: StackPlan;
    readonly namespace: pulumi.Output<string>;
    readonly nodeNamespace: pulumi.Output<string>;
    readonly parts = new Map<ComponentKey | Owner, Part>();
    readonly grafanaAdminPassword: pulumi.Output<string>;

    constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring-stack:index:MonitoringStack", name, {}, opts);
        const plan = (this.plan = args.plan);
        const secretSetting = settingsResolver(args.secrets);
        for (const warning of plan.warnings) pulumi.log.warn(warning, this);
        // The key of the Secrets' checksums (pod annotations that roll pods when a Secret changes): see checksums.ts.
        const checksumKey = new random.RandomPassword(`${name}-checksum-key`, { length: 32, special: false }, { parent: this });
        const checksums = new Checksums(pulumi.secret(checksumKey.result));
        const owned = (owner: Owner) => plan.objects.filter(o => o.owner === owner);
        // The two namespaces first: every object and release in them waits for them through their names.
        // A step (an object group, a release) is every resource made for it: waiting for it waits for all of them.
        const steps = new Map<Step, pulumi.Resource[]>();
        const made = (step: Step, r: pulumi.Resource) => steps.set(step, [...(steps.get(step) ?? []), r]);
        const created = new Map<string, pulumi.Output<string>>();
        for (const o of owned("stack").filter(o => o.kind === "Namespace")) {
            const ns = k8sObject(name, o, undefined, secretSetting, checksums, { parent: this });
            created.set(o.metadata.name!, ns.metadata.name);
            made(o.group, ns);
        }
        const namespace = (which: string = plan.namespace) => created.get(which) ?? pulumi.output(which);
        this.namespace = namespace(plan.namespace);
        this.nodeNamespace = namespace(plan.nodeNamespace);
        for (const o of owned("stack").filter(o => o.kind !== "Namespace")) {
            made(o.group, k8sObject(name, o, namespace(o.namespace), secretSetting, checksums, { parent: this }));
        }

        const part = (key: ComponentKey | Exclude<Owner, "stack">, objects: ObjectPlan[], release = plan.releases.find(r => r.component === key)) => {
            const waits = [...(release?.waitsFor ?? []), ...objects.flatMap(o => o.waitsFor)].filter(s => steps.has(s));
            const dependsOn = [...new Set(waits.flatMap(s => steps.get(s)!))];
            const p = new Part(key, `${name}-${key}`, { release, objects, namespace, secretSetting, checksums }, {
                parent: this,
                // Explicit, so that the smoke test does not inherit the stack's protection.
                protect: release?.protect ?? (objects.length ? objects.every(o => o.protect) : plan.protect),
                ...(dependsOn.length ? { dependsOn } : {}),
            });
            this.parts.set(key, p);
            if (release) made(release.name, p);
            objects.forEach(o => made(o.group, p));
            return p;
        };
        if (owned("network").length) part("network", owned("network"));
        // Components in plan order: whatever a component waits for is created before it.
        if (plan.releases.some(r => r.component === "crds")) part("crds", []);
        part("prometheus", []);
        for (const r of plan.releases.filter(r => r.component !== "prometheus" && r.component !== "crds")) part(r.component, owned(r.component as Owner));
        part("self-monitoring", owned("self-monitoring"));
        if (owned("smoke-test").length) part("smoke-test", owned("smoke-test"));
        this.grafanaAdminPassword = this.parts.get("grafana")!.generated.get("admin-password")!;
        this.registerOutputs({ namespace: this.namespace, grafanaAdminPassword: this.grafanaAdminPassword });
    }
}
