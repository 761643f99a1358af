import { ConfigError, loadSettings } from "./config";
import { lastDeployedShape } from "./components/deployed";
import { MonitoringStack } from "./components/monitoring-stack";
import { stackOutputs } from "./components/outputs";
import { guard, plan, refusal } from "./plan";

// An async program: the stack's last deployment is read before any resource is built, so that a change
// Kubernetes or Helm cannot apply in place stops `pulumi preview` before anything changes. The returned
// object is the stack's outputs.
export = async () => {
    const { settings, secrets } = loadSettings();
    const stackPlan = plan(settings);
    const refused = guard(await lastDeployedShape(), stackPlan.shape, settings.lifecycle.acknowledge);
    if (refused.length > 0) throw new ConfigError(refusal(refused));
    const stack = new MonitoringStack("monitoring", { plan: stackPlan, secrets }, { protect: stackPlan.protect });
    return stackOutputs(stack);
};
