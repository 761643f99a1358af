import { loadSettings } from "./config";
import { MonitoringStack } from "./components/monitoring-stack";
import { stackOutputs } from "./components/outputs";
import { plan } from "./plan";

const { settings, secrets } = loadSettings();
const stackPlan = plan(settings);
const stack = new MonitoringStack("monitoring", { plan: stackPlan, secrets }, { protect: stackPlan.protect });

export const {
    namespace,
    alloyOtlpGrpc, alloyOtlpHttp, alloyJaegerGrpc, alloyJaegerThriftHttp, alloyJaegerAgent, alloyZipkinUrl, alloyMetricsUrl,
    lokiGatewayUrl, lokiPushUrl, lokiQueryUrl,
    tempoOtlpGrpc, tempoOtlpHttp, tempoJaegerGrpc, tempoJaegerThriftHttp, tempoJaegerAgent, tempoZipkinUrl, tempoQueryUrl,
    prometheusUrl, prometheusRemoteWriteUrl,
    grafanaUrl, grafanaAdminUser, grafanaAdminPassword,
    otelEnv, smokeTest,
} = stackOutputs(stack);
