import { GrafanaSettings } from "../../config/settings";
import { grafanaContainerSecurity } from "../security";
import { aux } from "../sizes";
import { datasourceUids } from "../wiring";

/** The grafana.com dashboards, pinned to a revision; the key is the dashboard's file name in Grafana. */
export const grafanaComDashboards = {
    "kubernetes-cluster": { gnetId: 7249, revision: 1 },
    "node-exporter-full": { gnetId: 1860, revision: 45 },
    "logs-app": { gnetId: 13639, revision: 2 },
    "dashboard-16971": { gnetId: 16971, revision: 1 },
} as const;

export const dashboardProvider = { name: "observability", folder: "Observability" } as const;

// The chart's download script replaces `${<name>}` with `<value>` in the downloaded JSON. Dashboards name
// their inputs DS_<TYPE>; mapping every input to a datasource UID (Grafana resolves a UID or a name) fits
// each dashboard whichever of them it declares.
const datasourceInputs = [
    { name: "DS_PROMETHEUS", value: datasourceUids.prometheus },
    { name: "DS_LOKI", value: datasourceUids.loki },
    { name: "DS_TEMPO", value: datasourceUids.tempo },
];

/**
 * Dashboard values for the Grafana chart: the grafana.com dashboards in one folder, downloaded by an init
 * container at start-up. With downloads off (air-gapped clusters) nothing is downloaded; the
 * kube-prometheus-stack dashboards still arrive through the dashboard sidecar.
 */
export function grafanaDashboards(g: GrafanaSettings) {
    if (!g.downloadDashboards) return {};
    return {
        dashboardProviders: {
            "dashboardproviders.yaml": {
                apiVersion: 1,
                providers: [
                    {
                        name: dashboardProvider.name,
                        orgId: 1,
                        folder: dashboardProvider.folder,
                        type: "file",
                        disableDeletion: true,
                        editable: false,
                        // The chart requires /var/lib/grafana/dashboards/<provider name>.
                        options: { path: `/var/lib/grafana/dashboards/${dashboardProvider.name}` },
                    },
                ],
            },
        },
        dashboards: {
            [dashboardProvider.name]: Object.fromEntries(
                Object.entries(grafanaComDashboards).map(([key, d]) => [key, { ...d, datasource: datasourceInputs }]),
            ),
        },
        // curl writes only into Grafana's volume: a read-only root.
        downloadDashboards: { resources: aux("10m", "32Mi", "64Mi", "100m"), securityContext: grafanaContainerSecurity },
    };
}

/** The dashboard sidecar: kube-prometheus-stack ships its dashboards as ConfigMaps labelled grafana_dashboard: "1". */
export const dashboardSidecar = { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" } as const;
