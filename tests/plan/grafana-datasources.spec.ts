import * as assert from "assert";
import { alloyConfig } from "../../plan/telemetry/alloy-config";
import { defaultVersions } from "../../charts/table";
import { Values } from "../../charts/values";
import { datasources, exemplarTraceIdLabels, traceIdInLine, traceToLogsTags } from "../../plan/telemetry/datasources";
import { datasourceUids, wiring } from "../../plan/wiring";
import { parseSettings } from "../../config/settings";
import { Run, runStack } from "../harness";
import { alertmanagerDatasourceUid } from "../../plan/alerting/grafana-alerting";

interface Datasource { name: string; type: string; uid: string; url: string; jsonData: Values }

/** Every `datasourceUid` anywhere under a value. */
function linkedUids(v: unknown): string[] {
    if (Array.isArray(v)) return v.flatMap(linkedUids);
    if (typeof v !== "object" || v === null) return [];
    return Object.entries(v).flatMap(([k, x]) => (k === "datasourceUid" ? [x as string] : linkedUids(x)));
}

function strings(v: unknown): string[] {
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v.flatMap(strings);
    if (typeof v === "object" && v !== null) return Object.values(v).flatMap(strings);
    return [];
}

function checkDatasources(list: Datasource[]): void {
    const byType = Object.fromEntries(list.map(d => [d.type, d])) as Record<string, Datasource>;
    assert.deepEqual(
        Object.fromEntries(list.map(d => [d.type, d.uid])),
        {
            prometheus: datasourceUids.prometheus, loki: datasourceUids.loki, tempo: datasourceUids.tempo,
            ...(byType.alertmanager ? { alertmanager: alertmanagerDatasourceUid } : {}),
        },
    );
    // Only for alerts and silences: Grafana's own alerts reach Alertmanager through a contact point.
    if (byType.alertmanager) assert.deepEqual(byType.alertmanager.jsonData, { implementation: "prometheus", handleGrafanaManagedAlerts: false });
    const uids = new Set(list.map(d => d.uid));
    for (const d of list) for (const uid of linkedUids(d.jsonData)) assert.ok(uids.has(uid), `${d.name} links to unknown datasource ${uid}`);

    const tempo = byType.tempo.jsonData;
    assert.equal(tempo.tracesToLogsV2.datasourceUid, datasourceUids.loki);
    assert.equal(tempo.tracesToLogsV2.filterByTraceID, true);
    assert.deepEqual(tempo.tracesToLogsV2.tags, [{ key: "service.name", value: "service_name" }]);
    assert.equal(tempo.tracesToMetrics.datasourceUid, datasourceUids.prometheus);
    for (const q of tempo.tracesToMetrics.queries) assert.match(q.query, /\{\$\$__tags[,}]/, `${q.name} filters by the span's tags`);
    assert.equal(tempo.serviceMap.datasourceUid, datasourceUids.prometheus);
    assert.equal(tempo.nodeGraph.enabled, true);
    assert.equal(tempo.lokiSearch, undefined, "lokiSearch is gone since Grafana 11: the Loki search uses the trace-to-logs settings");

    const fields = byType.loki.jsonData.derivedFields;
    assert.ok(fields.length > 0);
    for (const f of fields) {
        assert.equal(f.datasourceUid, datasourceUids.tempo);
        assert.equal(f.url, "$${__value.raw}", "a literal ${__value.raw} after Grafana's environment expansion");
    }
    assert.deepEqual(fields.find((f: { matcherType?: string }) => f.matcherType === "label").matcherRegex, "^trace_id$$", "^trace_id$ once Grafana has expanded $$");

    // Tempo's span metrics write `traceID` exemplars (metrics-generator default trace_id_label_name).
    const exemplars = byType.prometheus.jsonData.exemplarTraceIdDestinations;
    assert.ok(exemplars.some((e: { name: string; datasourceUid?: string }) => e.name === "traceID" && e.datasourceUid === datasourceUids.tempo));

    // Provisioning expands `$x`; the chart runs the values through Helm tpl.
    for (const s of strings(list)) {
        assert.ok(!s.includes("{{"), `no {{ for Helm tpl: ${s}`);
        assert.ok(!/(?<!\$)\$(?!\$)/.test(s.replace(/\$\$/g, "")), `unescaped $ would be expanded by Grafana: ${s}`);
    }
}

describe("Grafana datasources", () => {
    const w = wiring(parseSettings({ namespace: "obs" }, defaultVersions));
    const list: Datasource[] = datasources(w);

    it("point at the wiring's URLs with fixed UIDs and link to each other", () => {
        assert.deepEqual(list.map(d => [d.uid, d.url]), [
            [datasourceUids.prometheus, w.prometheus.url],
            [datasourceUids.loki, w.loki.gatewayUrl],
            [datasourceUids.tempo, w.tempo.queryUrl],
            [alertmanagerDatasourceUid, w.alertmanager!.url],
        ]);
        checkDatasources(list);
    });

    it("turn trace ids in JSON and logfmt lines into Tempo links (as Grafana's JavaScript regex reads them)", () => {
        const re = new RegExp(traceIdInLine);
        const id = "4bf92f3577b34da6a3ce929d0e0e4736";
        for (const line of [
            `{"level":"info","traceID":"${id}","msg":"ok"}`,
            `{"trace_id": "${id}"}`,
            `level=info trace_id=${id} msg=ok`,
            `level=info traceID="${id}"`,
        ]) assert.equal(re.exec(line)?.[1], id, line);
        assert.equal(re.exec("level=info msg=no-trace"), null);
        // More spellings and null ids: tests/correlation.spec.ts.
    });

    it("use the trace id and service name the Alloy pipeline writes", () => {
        const text = alloyConfig({ wiring: w, clustering: false, replicas: 1, role: "node" });
        // Structured metadata key behind the label-matched derived field and Grafana's trace_id filter.
        assert.match(text, /stage\.structured_metadata \{\n\s*values = \{ trace_id = "" \}/);
        // service_name: Loki derives it from the `app` label of pod logs (discover_service_name) and from
        // service.name on OTLP logs.
        assert.deepEqual(traceToLogsTags.map(t => t.value), ["service_name"]);
        assert.match(text, /target_label\s*=\s*"app"/);
        assert.deepEqual([...exemplarTraceIdLabels], ["traceID", "trace_id"]);
    });

    for (const stack of ["dev", "prod"]) {
        describe(`${stack} stack`, () => {
            let run: Run;
            before(async () => {
                run = await runStack(stack);
            });

            it("provisions the linked datasources at the stack's endpoints", async () => {
                const provisioned = run.release("grafana").inputs.values.datasources["datasources.yaml"].datasources as Datasource[];
                checkDatasources(provisioned);
                const url = (uid: string) => provisioned.find(d => d.uid === uid)!.url;
                assert.equal(url(datasourceUids.prometheus), (await run.resolve("prometheusUrl")).value);
                assert.equal(url(datasourceUids.loki), (await run.resolve("lokiGatewayUrl")).value);
                assert.equal(url(datasourceUids.tempo), (await run.resolve("tempoQueryUrl")).value);
            });

            it("has Tempo's metrics generator write to the Prometheus the stack exports", async () => {
                const expected = (await run.resolve("prometheusRemoteWriteUrl")).value;
                const v = run.release("tempo").inputs.values;
                const remoteWrite = stack === "dev" ? v.tempo.metricsGenerator.storage.remote_write : v.metricsGenerator.config.storage.remote_write;
                assert.deepEqual(remoteWrite.map((r: { url: string }) => r.url), [expected]);
                assert.ok(remoteWrite.every((r: { send_exemplars: boolean }) => r.send_exemplars), "exemplars feed the Prometheus -> Tempo links");
                if (stack === "dev") assert.equal(v.tempo.metricsGenerator.remoteWriteUrl, expected);
            });
        });
    }
});
