import { datasourceUids, Wiring } from "./wiring";

/** Grafana datasource provisioning: Prometheus, Loki and Tempo with fixed UIDs. */
export function datasources(w: Wiring) {
    return [
        {
            name: "Prometheus",
            type: "prometheus",
            uid: datasourceUids.prometheus,
            access: "proxy",
            url: w.prometheus.url,
            isDefault: true,
            jsonData: { httpMethod: "POST" },
        },
        {
            name: "Loki",
            type: "loki",
            uid: datasourceUids.loki,
            access: "proxy",
            url: w.loki.gatewayUrl,
        },
        {
            name: "Tempo",
            type: "tempo",
            uid: datasourceUids.tempo,
            access: "proxy",
            url: w.tempo.queryUrl,
        },
    ];
}
