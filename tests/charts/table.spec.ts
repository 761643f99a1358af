import { strict as assert } from "assert";
import { charts, defaultVersions, operatorPairProblem, operatorPairs } from "../../charts/table";
import { parseSettings } from "../../config/settings";

describe("chart table", () => {
    it("pins kube-prometheus-stack and prometheus-operator-crds as a pair of the same operator (88.5.3 and 31.0.1: v0.93.1)", () => {
        assert.equal(operatorPairProblem(defaultVersions), undefined);
        const pair = operatorPairs.find(p => p["kube-prometheus-stack"] === charts["kube-prometheus-stack"].version)!;
        assert.deepEqual(pair, { "kube-prometheus-stack": "88.5.3", "prometheus-operator-crds": "31.0.1", operator: "v0.93.1" });
        assert.equal(charts["prometheus-operator-crds"].repo, charts["kube-prometheus-stack"].repo);
    });

    it("fails a bump of one of the pair without the other", () => {
        const kpsOnly = operatorPairProblem({ ...defaultVersions, "kube-prometheus-stack": "88.6.0" });
        assert.match(kpsOnly!, /charts\.kube-prometheus-stack 88\.6\.0 and charts\.prometheus-operator-crds 31\.0\.1 are not a pair/);
        assert.match(kpsOnly!, /prometheus-operator-crds 31\.0\.1 \(operator v0\.93\.1\) pairs with kube-prometheus-stack 88\.5\.3/);
        const crdsOnly = operatorPairProblem({ ...defaultVersions, "prometheus-operator-crds": "32.0.0" });
        assert.match(crdsOnly!, /kube-prometheus-stack 88\.5\.3 runs operator v0\.93\.1, whose CRDs are prometheus-operator-crds 31\.0\.1/);
    });

    it("refuses a stack that overrides one of the pair only", () => {
        assert.throws(() => parseSettings({ charts: { "kube-prometheus-stack": "88.6.0" } }, defaultVersions), /are not a pair/);
        assert.throws(() => parseSettings({}, { ...defaultVersions, "prometheus-operator-crds": "31.0.0" }), /are not a pair/);
    });
});
