import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { helmRelease } from "./release";
import { tempoDistributedValues, tempoMonolithicValues } from "../plan/releases/tempo";
import { releaseNames, Wiring } from "../plan/wiring";

export interface TempoArgs {
    settings: Settings;
    wiring: Wiring;
    namespace: pulumi.Input<string>;
}

/** `tempo` (monolithic) or `tempo-distributed`, under the same release name. */
export class Tempo extends pulumi.ComponentResource {
    readonly release: pulumi.Resource;

    constructor(name: string, args: TempoArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring-stack:index:Tempo", name, {}, opts);
        const s = args.settings;
        const distributed = s.tempo.mode === "distributed";
        const chart = distributed ? "tempo-distributed" : "tempo";
        this.release = helmRelease(
            {
                chart,
                name: releaseNames.tempo,
                namespace: args.namespace,
                version: s.charts[chart],
                values: distributed ? tempoDistributedValues(s, args.wiring) : tempoMonolithicValues(s, args.wiring),
            },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
