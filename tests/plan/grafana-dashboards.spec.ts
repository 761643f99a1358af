import * as assert from "assert";
import { Values } from "../../charts/values";
import { GrafanaSettings } from "../../config/settings";
import { dashboardProvider, grafanaComDashboards, grafanaDashboards } from "../../plan/telemetry/dashboards";
import { datasourceUids } from "../../plan/wiring";
import { Run, runStack, stackConfig } from "../harness";

const requiredIds = [7249, 1860, 13639, 16971];

/** What the chart's download script does to a dashboard's JSON for a list-form `datasource`. */
function substitute(json: string, inputs: { name: string; value: string }[]): string {
    return inputs.reduce((text, i) => text.replace(new RegExp(`\\$\\{?${i.name}\\}?`, "g"), i.value), json);
}

function checkDownloads(v: Values): void {
    const providers = v.dashboardProviders["dashboardproviders.yaml"].providers;
    assert.equal(providers.length, 1);
    const p = providers[0];
    assert.equal(p.folder, "Observability");
    // The chart downloads into /var/lib/grafana/dashboards/<provider name> and reads no other path.
    assert.equal(p.options.path, `/var/lib/grafana/dashboards/${p.name}`);
    assert.deepEqual(Object.keys(v.dashboards), [p.name]);

    const dashboards = Object.values(v.dashboards[p.name]) as { gnetId: number; revision: number; datasource: { name: string; value: string }[] }[];
    assert.deepEqual(dashboards.map(d => d.gnetId).sort(), [...requiredIds].sort());
    for (const d of dashboards) {
        assert.ok(Number.isInteger(d.revision) && d.revision >= 1, `${d.gnetId} is pinned to a revision`);
        assert.ok(Array.isArray(d.datasource), "list form: the chart substitutes ${DS_...} inputs, which uid-style panels need");
    }
    const sample = '{"datasource":{"type":"prometheus","uid":"${DS_PROMETHEUS}"},"targets":[{"datasource":"$DS_LOKI"}]}';
    assert.equal(substitute(sample, dashboards[0].datasource), `{"datasource":{"type":"prometheus","uid":"${datasourceUids.prometheus}"},"targets":[{"datasource":"${datasourceUids.loki}"}]}`);

    const r = v.downloadDashboards.resources;
    assert.ok(r.requests.cpu && r.requests.memory && r.limits.cpu && r.limits.memory, "the download init container is sized");
}

function checkSidecar(v: Values): void {
    const { extraMounts, ...dashboards } = v.sidecar.dashboards;
    assert.deepEqual(dashboards, { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" });
    // The sidecar's root filesystem is read-only: its Python needs a writable /tmp.
    assert.deepEqual(extraMounts, [{ name: "tmp", mountPath: "/tmp" }]);
}

describe("Grafana dashboards", () => {
    it("pins the four grafana.com dashboards and maps their datasource inputs to our UIDs", () => {
        checkDownloads(grafanaDashboards({ downloadDashboards: true } as GrafanaSettings));
        assert.equal(Object.keys(grafanaComDashboards).length, requiredIds.length);
        assert.equal(dashboardProvider.folder, "Observability");
    });

    it("downloads nothing when downloads are off", () => {
        assert.deepEqual(grafanaDashboards({ downloadDashboards: false } as GrafanaSettings), {});
    });

    for (const stack of ["dev", "prod"]) {
        describe(`${stack} stack`, () => {
            let run: Run;
            before(async () => {
                run = await runStack(stack);
            });

            it("provisions the grafana.com dashboards and the sidecar", () => {
                const v = run.release("grafana").inputs.values;
                checkDownloads(v);
                checkSidecar(v);
            });

            it("has kube-prometheus-stack render its dashboards for the sidecar", () => {
                const kps = run.release("kube-prometheus-stack").inputs.values.grafana;
                assert.equal(kps.enabled, false);
                assert.equal(kps.forceDeployDashboards, true);
                // kube-prometheus-stack labels them grafana_dashboard: "1" unless told otherwise.
                assert.equal(kps.sidecar?.dashboards?.label, undefined);
            });
        });
    }

    describe("air-gapped (downloadDashboards: false)", () => {
        let run: Run;
        before(async () => {
            const grafana = JSON.parse(stackConfig("dev")["monitoring-stack:grafana"]);
            run = await runStack("dev", { grafana: { ...grafana, downloadDashboards: false } });
        });

        it("has no grafana.com download and no download container, but keeps the sidecar", () => {
            const v = run.release("grafana").inputs.values;
            assert.ok(!JSON.stringify(v).includes("gnetId"));
            assert.equal(v.dashboards, undefined);
            assert.equal(v.dashboardProviders, undefined);
            assert.equal(v.downloadDashboards, undefined);
            checkSidecar(v);
        });
    });
});
