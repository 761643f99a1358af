// Grafana-managed alerts reach the same receivers as Prometheus' alerts by going through the stack's one
// Alertmanager: Grafana's own Alertmanager has a single provisioned contact point of the type
// "prometheus-alertmanager" that forwards every alert to it, and the notification policy sends everything
// there ungrouped. Routing, grouping, inhibition, silences and credentials then live only in Alertmanager.
//
// Why not the Alertmanager datasource with handleGrafanaManagedAlerts: Grafana only starts sending to such
// a datasource once the organization's "Send alerts to" admin choice is stored in its database
// (pkg/services/ngalert/sender/router.go loops over the ngalert_configuration rows; without one, nothing
// is sent: grafana/grafana#64081, #59936), and that choice cannot be provisioned (grafana/grafana#80349).
// A provisioned contact point needs nothing but files. The datasource is still provisioned, with
// handleGrafanaManagedAlerts false, to show Alertmanager's alerts and manage its silences from Grafana.
//
// Grafana forwards the alerts it holds with their EndsAt (the last evaluation plus 4 x max(interval, 30s),
// so at least 2 minutes ahead): the policy repeats every 30s, which (Alertmanager notifies when more than
// repeat_interval has passed, on group_interval ticks) re-sends each firing alert about once a minute,
// well inside that window, as Prometheus re-sends its own.

export const alertmanagerDatasourceUid = "alertmanager";
export const grafanaContactPoint = "alertmanager";

/** The Alertmanager datasource: alerts and silences in Grafana's UI; Grafana's alerts do not go this way. */
export function alertmanagerDatasource(url: string) {
    return {
        name: "Alertmanager",
        type: "alertmanager",
        uid: alertmanagerDatasourceUid,
        access: "proxy",
        url,
        jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false },
    };
}

/** The Grafana chart's `alerting` value: provisioning files for the contact point and the root policy. */
export function grafanaAlertingProvisioning(alertmanagerUrl: string) {
    return {
        "contactpoints.yaml": {
            apiVersion: 1,
            contactPoints: [{
                orgId: 1,
                name: grafanaContactPoint,
                receivers: [{
                    uid: "monitoring-stack-alertmanager",
                    type: "prometheus-alertmanager",
                    settings: { url: alertmanagerUrl },
                    disableResolveMessage: false,
                }],
            }],
        },
        "policies.yaml": {
            apiVersion: 1,
            policies: [{
                orgId: 1,
                receiver: grafanaContactPoint,
                // "..." groups by every label: each alert is forwarded on its own, Alertmanager groups them.
                group_by: ["..."],
                group_wait: "0s",
                group_interval: "30s",
                repeat_interval: "30s",
            }],
        },
    };
}
