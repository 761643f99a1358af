/**
 * prometheus-operator-crds values. The CRDs are templates of this release, so a chart bump upgrades them.
 * `helm.sh/resource-policy: keep` on every CRD: uninstalling or replacing this release must never delete the
 * CRDs, which would delete every Prometheus, Alertmanager, ServiceMonitor and PrometheusRule object with them.
 */
export function crdsValues() {
    return { crds: { annotations: { "helm.sh/resource-policy": "keep" } } };
}
