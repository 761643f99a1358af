import { loadSettings } from "./config";
import { MonitoringStack } from "./components/monitoring-stack";
import { stackOutputs } from "./components/outputs";

const { settings, secrets } = loadSettings();
const stack = new MonitoringStack("monitoring", { settings, secrets, runId: new Date().toISOString() });

export const {
    namespace,
    alloyOtlpGrpc, alloyOtlpHttp, alloyJaegerGrpc, alloyJaegerThriftHttp, alloyJaegerAgent, alloyZipkinUrl, alloyMetricsUrl,
    lokiGatewayUrl, lokiPushUrl, lokiQueryUrl,
    tempoOtlpGrpc, tempoOtlpHttp, tempoJaegerGrpc, tempoJaegerThriftHttp, tempoJaegerAgent, tempoZipkinUrl, tempoQueryUrl,
    prometheusUrl, prometheusRemoteWriteUrl,
    grafanaUrl, grafanaAdminUser, grafanaAdminPassword,
    otelEnv, smokeTest,
} = stackOutputs(stack, settings);
