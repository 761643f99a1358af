// plan(settings): everything the stack will create, as plain data. No Pulumi runtime, no I/O.
import { Settings } from "../config/settings";
import { noReceiverWarning, ownsAlertmanager } from "./alerting/alertmanager-config";
import { stackFootprint } from "./guardrails/quota";
import { NAMESPACE, NETWORK, NODE_NAMESPACE, stackObjects } from "./objects";
import { releases as planReleases } from "./releases";
import { SMOKE_TEST, smokeTestObjects, smokeTestRunKey } from "./smoke-test";
import { objectStorageChecksum, ObjectPlan, ReleasePlan, StackPlan, Step } from "./types";
import { shape } from "./lifecycle";
import { planOutputs } from "./outputs";
import { wiring as planWiring } from "./wiring";

export * from "./types";
export { DEPLOYED_SHAPE_OUTPUT, DeployedShape, guard, refusal, shape } from "./lifecycle";

export function plan(s: Settings): StackPlan {
    const w = planWiring(s);
    const releases = planReleases(s, w);
    const footprint = stackFootprint(s, releases);
    const objects = stackObjects(s, footprint);
    if (s.smokeTest) {
        // Grafana is not on the smoke test's path: it does not wait for it.
        const waits = [...releases.filter(r => r.component !== "grafana").map(r => r.name), ...(s.cluster.networkPolicies ? [NETWORK] : [])];
        objects.push(...smokeTestObjects(w, smokeTestRunKey(releases, w), waits, s.images, s.objectStorage ? objectStorageChecksum : {}));
    }
    const warnings = ownsAlertmanager(s) && s.alerting.receivers.length === 0 ? [noReceiverWarning] : [];
    return {
        namespace: s.namespace, nodeNamespace: s.nodeNamespace, protect: s.protect, wiring: w, releases, objects, footprint,
        levels: levels(releases, objects), shape: shape(s), outputs: planOutputs(s, w), warnings,
    };
}

/**
 * The install as levels of Helm waits: the two namespaces and the objects beside them first, then each release
 * once everything it waits for is in an earlier level. The smoke test comes last.
 */
function levels(releases: ReleasePlan[], objects: ObjectPlan[]): Step[][] {
    const waits = new Map<Step, Step[]>(releases.map(r => [r.name, r.waitsFor.filter(x => releases.some(o => o.name === x))]));
    const out: Step[][] = [[NAMESPACE, NODE_NAMESPACE]];
    const placed = new Set<Step>();
    while (placed.size < waits.size) {
        const next = [...waits.keys()].filter(n => !placed.has(n) && waits.get(n)!.every(d => placed.has(d)));
        if (next.length === 0) throw new Error(`release dependencies form a cycle: ${[...waits.keys()].filter(n => !placed.has(n)).join(", ")}`);
        next.forEach(n => placed.add(n));
        out.push(next);
    }
    if (objects.some(o => o.group === SMOKE_TEST)) out.push([SMOKE_TEST]);
    return out;
}
