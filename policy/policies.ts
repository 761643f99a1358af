// The policies of the pack. Tests import this module; index.ts only hands it to `new PolicyPack`.
import { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";
import { productionAlerting } from "./alerting";
import { chartRepository, chartVersionPinned, releaseNameFixed } from "./hygiene";
import { productionIngressTls, productionPersistence, productionReplicas } from "./production";
import { resourceLimits } from "./resources";
import { lokiRetention, prometheusRetention, tempoRetention } from "./retention";
import { noPlaintextCredentials } from "./secrets";

export const packName = "monitoring-stack";
export const packDescription =
    "Guards every stack of monitoring-stack: retention, resource limits, chart hygiene, no plaintext credentials, production stance.";
/** Without a config file every violation blocks; policy/dev.json lowers them to advisory. */
export const packEnforcementLevel: EnforcementLevel = "mandatory";

export const policies: ResourceValidationPolicy[] = [
    lokiRetention,
    tempoRetention,
    prometheusRetention,
    resourceLimits,
    chartVersionPinned,
    chartRepository,
    releaseNameFixed,
    noPlaintextCredentials,
    productionReplicas,
    productionPersistence,
    productionIngressTls,
    productionAlerting,
];

export {
    chartRepository, chartVersionPinned, lokiRetention, noPlaintextCredentials, productionIngressTls, productionPersistence,
    productionReplicas, prometheusRetention, releaseNameFixed, resourceLimits, tempoRetention,
};
export { productionAlerting };
