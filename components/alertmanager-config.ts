import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Secrets, Settings } from "../config";
import {
    alertingSummary, alertmanagerConfigKey, alertmanagerConfigYaml, alertmanagerSecretName, alertmanagerTemplates, alertmanagerTemplatesKey,
} from "../plan/alerting/alertmanager-config";

/** The stack runs its own Alertmanager, which reads the configuration Secret. */
export const ownsAlertmanager = (s: Settings) => s.prometheus.mode === "managed" && s.prometheus.alertmanager.enabled;

/**
 * The Secret holding the whole alertmanager.yaml, credentials inline: the text exists only inside an `apply`
 * over the secret credentials, so Pulumi keeps it encrypted. Its annotations carry the non-secret summary
 * the policy pack checks. Changing `alerting` updates this Secret in place; Alertmanager reloads it.
 */
export function alertmanagerConfigSecret(
    name: string, s: Settings, secrets: Secrets, namespace: pulumi.Input<string>, opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret | undefined {
    if (!ownsAlertmanager(s)) return undefined;
    if (s.alerting.receivers.length === 0) {
        pulumi.log.warn(
            "alerting.receivers is empty: alerts (the stack's, kube-prometheus-stack's and Grafana's) are delivered nowhere. " +
                "Declare receivers and routes under alerting, and each receiver's credential with " +
                "`pulumi config set --secret --path alertingSecrets.<receiver> <value>` (README, \"Alert routing\").",
        );
    }
    const config = pulumi.secret(secrets.alerting).apply(credentials => alertmanagerConfigYaml(s.alerting, credentials));
    return new k8s.core.v1.Secret(
        name,
        {
            metadata: { name: alertmanagerSecretName, namespace, annotations: alertingSummary(s.alerting) },
            type: "Opaque",
            stringData: { [alertmanagerConfigKey]: config, [alertmanagerTemplatesKey]: alertmanagerTemplates },
        },
        opts,
    );
}
