import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { lokiValues } from "../plan/releases/loki";
import { helmRelease } from "./release";
import { releaseNames } from "../plan/wiring";

export interface LokiArgs {
    settings: Settings;
    namespace: pulumi.Input<string>;
}

export class Loki extends pulumi.ComponentResource {
    readonly release: pulumi.Resource;

    constructor(name: string, args: LokiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("monitoring-stack:index:Loki", name, {}, opts);
        const s = args.settings;
        this.release = helmRelease(
            { chart: "loki", name: releaseNames.loki, namespace: args.namespace, version: s.charts.loki, values: lokiValues(s) },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
