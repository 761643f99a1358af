import { createHmac } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { checksumTarget } from "../plan";

/**
 * Keyed hashes of the Secrets the program creates, by Secret name, for the plan's checksumOf() strings.
 *
 * The hash is an HMAC-SHA256 under a generated 32-character key that exists only in the stack's state (as a
 * secret). Without that key the annotation says nothing about the credentials: it cannot confirm a guessed
 * password, as a plain hash of a weak password could. It is therefore a plain value: in Helm values, in pod
 * metadata (which more people may read than Secrets) and in previews, where a secret would hide the diff.
 */
export class Checksums {
    private readonly bySecret = new Map<string, pulumi.Output<string>>();

    constructor(private readonly key: pulumi.Output<string>) {}

    /** Records a Secret's data (values may be secrets); the order of the keys does not matter. */
    add(secret: string, data: Record<string, pulumi.Input<string>>): void {
        const names = Object.keys(data).sort();
        const hash = pulumi.all([this.key, ...names.map(n => data[n])]).apply(([key, ...values]) =>
            createHmac("sha256", key).update(JSON.stringify(names.map((n, i) => [n, values[i]]))).digest("hex").slice(0, 16));
        this.bySecret.set(secret, pulumi.unsecret(hash));
    }

    /** The value with every checksumOf() string replaced by the Secret's hash (the Secret must be recorded first). */
    fill<T>(value: T): pulumi.Input<T> {
        const walk = (v: unknown): unknown => {
            const secret = checksumTarget(v);
            if (secret !== undefined) {
                const hash = this.bySecret.get(secret);
                if (!hash) throw new Error(`the plan asks for the checksum of Secret ${secret}, which is not created before it`);
                return hash;
            }
            if (Array.isArray(v)) return v.map(walk);
            if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
            return v;
        };
        return walk(value) as pulumi.Input<T>;
    }
}
