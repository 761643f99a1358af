import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ComponentKey, GeneratedSecret, ObjectPlan, Owner, ReleasePlan } from "../plan";
import { Checksums } from "./checksums";
import { k8sObject, KubernetesResource, SecretResolver } from "./objects";
import { helmRelease } from "./release";

/** Type tokens: stable, so existing stacks keep their URNs. */
export const typeTokens: Record<ComponentKey | Exclude<Owner, "stack">, string> = {
    crds: "monitoring-stack:index:PrometheusOperatorCrds",
    prometheus: "monitoring-stack:index:Prometheus",
    loki: "monitoring-stack:index:Loki",
    tempo: "monitoring-stack:index:Tempo",
    alloy: "monitoring-stack:index:Alloy",
    "alloy-node": "monitoring-stack:index:AlloyNode",
    grafana: "monitoring-stack:index:Grafana",
    network: "monitoring-stack:index:NetworkPolicies",
    "self-monitoring": "monitoring-stack:index:SelfMonitoring",
    "smoke-test": "monitoring-stack:index:SmokeTest",
};

export interface PartArgs {
    /** The Helm release this component installs (Prometheus has none when external). */
    release?: ReleasePlan;
    /** The program's own objects this component owns, created in plan order. */
    objects: ObjectPlan[];
    /** The created namespace of that name (an object's or release's `namespace`; the main one when unset). */
    namespace: (name?: string) => pulumi.Input<string>;
    /** Resolves references to secret settings; generated passwords are made here, as this component's children. */
    secretSetting: SecretResolver;
    checksums: Checksums;
}

/** One component of the stack: a Helm release with the objects beside it, or a group of the program's own objects. */
export class Part extends pulumi.ComponentResource {
    readonly release?: k8s.helm.v3.Release;
    readonly objects = new Map<string, KubernetesResource>();
    readonly generated = new Map<GeneratedSecret, pulumi.Output<string>>();

    constructor(key: keyof typeof typeTokens, name: string, args: PartArgs, opts?: pulumi.ComponentResourceOptions) {
        super(typeTokens[key], name, {}, opts);
        const resolve: SecretResolver = ref => ("generated" in ref ? this.password(name, ref.generated, ref.rotation ?? 0) : args.secretSetting(ref));
        for (const o of args.objects) {
            // `<group>/<resource>`: an object of this component, created before.
            const local = o.waitsFor.filter(step => step.startsWith(`${o.group}/`)).map(step => this.objects.get(step.slice(o.group.length + 1))!);
            this.objects.set(o.resource, k8sObject(name, o, args.namespace(o.namespace), resolve, args.checksums, { parent: this, ...(local.length ? { dependsOn: local } : {}) }));
        }
        // The release references the objects by name (the admin Secret): it waits for them.
        const beside = [...this.objects.values()];
        if (args.release) this.release = helmRelease(args.release, args.namespace(args.release.namespace), args.checksums, { parent: this, ...(beside.length ? { dependsOn: beside } : {}) });
        this.registerOutputs(Object.fromEntries(this.generated));
    }

    private password(name: string, which: GeneratedSecret, rotation: number): pulumi.Output<string> {
        if (!this.generated.has(which)) {
            // A new `rotation` changes the keepers, which replaces the password (none at 0: existing stacks keep theirs).
            // Not protected, so that a rotation can replace it. A destroy never reaches it, since the protected
            // Secret that holds it depends on it (the engine abandons the deletes of a protected resource's dependencies).
            const p = new random.RandomPassword(
                `${name}-${which}`,
                { length: 32, special: false, ...(rotation > 0 ? { keepers: { rotation: String(rotation) } } : {}) },
                { parent: this, protect: false },
            );
            this.generated.set(which, pulumi.secret(p.result));
        }
        return this.generated.get(which)!;
    }
}
