import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Values } from "../charts/values";
import { Secrets } from "../config";
import { isSecretRef, ObjectPlan, SecretRef, secretToken } from "../plan";
import { Checksums } from "./checksums";

/** Turns a SecretRef into its value, always a Pulumi secret. */
export type SecretResolver = (ref: SecretRef) => pulumi.Output<string>;

/** Resolves references to the loaded secret settings, and templates over them; generated passwords are a component's own. */
export function settingsResolver(secrets: Secrets): SecretResolver {
    const setting = (key: string) => {
        if (!secrets[key]) throw new Error(`the plan refers to the secret setting ${key}, which was not loaded`);
        return secrets[key];
    };
    return ref => {
        if ("secretSetting" in ref) return setting(ref.secretSetting);
        if ("template" in ref) {
            // JSON's double-quoted string is a YAML double-quoted scalar: any value stays one scalar.
            const filled = pulumi.all(ref.secretSettings.map(setting)).apply(values =>
                ref.secretSettings.reduce((text, key, i) => text.split(secretToken(key)).join(JSON.stringify(values[i])), ref.template));
            return pulumi.secret(filled);
        }
        throw new Error(`the generated secret ${ref.generated} belongs to a component`);
    };
}

/** Every typed Kubernetes resource has its metadata as an output. */
export type KubernetesResource = pulumi.CustomResource & { readonly metadata: pulumi.Output<k8s.types.output.meta.v1.ObjectMeta> };

const resourceName = (owner: string, o: ObjectPlan) => (o.resource ? `${owner}-${o.resource}` : owner);

/** A planned object as the typed Pulumi resource of its kind (the URN's type token comes from the kind). */
export function k8sObject(
    owner: string,
    plan: ObjectPlan,
    namespace: pulumi.Input<string> | undefined,
    resolve: SecretResolver,
    checksums: Checksums,
    opts: pulumi.CustomResourceOptions,
): KubernetesResource {
    const name = resourceName(owner, plan);
    // checksumOf() strings (pod annotations) become the hashes of Secrets created before.
    const o = plan.kind === "Secret" ? plan : { ...plan, body: checksums.fill(plan.body) as Values };
    const metadata = { ...o.metadata, ...(namespace === undefined ? {} : { namespace }) };
    const options = { ...opts, ...(o.protect ? { protect: true } : {}) };
    switch (o.kind) {
        case "Namespace":
            return new k8s.core.v1.Namespace(name, { metadata }, options);
        case "LimitRange":
            return new k8s.core.v1.LimitRange(name, { metadata, ...o.body }, options);
        case "ResourceQuota":
            return new k8s.core.v1.ResourceQuota(name, { metadata, ...o.body }, options);
        case "NetworkPolicy":
            return new k8s.networking.v1.NetworkPolicy(name, { metadata, ...o.body }, options);
        case "ConfigMap":
            return new k8s.core.v1.ConfigMap(name, { metadata, ...o.body }, options);
        case "Job":
            // Pulumi waits for the Job: if it fails, so does the update.
            return new k8s.batch.v1.Job(name, { metadata, ...o.body }, { ...options, customTimeouts: { create: "6m", update: "6m" } });
        case "PrometheusRule":
            return new k8s.apiextensions.CustomResource(name, { apiVersion: o.apiVersion, kind: o.kind, metadata, ...o.body }, options);
        case "Secret": {
            const stringData = Object.fromEntries(
                Object.entries(o.body.stringData as Record<string, unknown>).map(([k, v]) => [k, isSecretRef(v) ? resolve(v) : (v as string)]),
            );
            if (o.metadata.name) checksums.add(o.metadata.name, stringData);
            return new k8s.core.v1.Secret(name, { metadata, ...o.body, stringData }, options);
        }
    }
}
