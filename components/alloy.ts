import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { alloyValues } from "../plan/releases/alloy";
import { helmRelease } from "./release";
import { releaseNames, Wiring } from "../plan/wiring";

export interface AlloyArgs {
    settings: Settings;
    wiring: Wiring;
    namespace: pulumi.Input<string>;
}

export class Alloy extends pulumi.ComponentResource {
    readonly release: pulumi.Resource;

    constructor(name: string, args: AlloyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring-stack:index:Alloy", name, {}, opts);
        const s = args.settings;
        this.release = helmRelease(
            { chart: "alloy", name: releaseNames.alloy, namespace: args.namespace, version: s.charts.alloy, values: alloyValues(s, args.wiring) },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
