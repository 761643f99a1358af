// Runs amtool over the Alertmanager configuration the program writes for a stack file's `alerting` settings,
// with stand-in credentials: `amtool check-config`, then the routing tree.
// Usage: npx tsx scripts/amtool.ts [stack, default prod] [work dir]
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AlertingSettings, ReceiverKind } from "../config/alerting";
import { settingsFromStackFile } from "../config/stack-file";
import { installCommand, runTool, ToolResult } from "./tool";
import { alertmanagerConfigKey, alertmanagerConfigYaml } from "../plan/alerting/alertmanager-config";

export const AMTOOL_INSTALL = installCommand.amtool;

export type AmtoolResult = ToolResult;

export const amtool = (args: string[]): AmtoolResult => runTool("amtool", args);

/** The alerting settings of Pulumi.<stack>.yaml, as the program parses them. */
export function stackAlerting(stack: string): AlertingSettings {
    return settingsFromStackFile(path.resolve(__dirname, `../Pulumi.${stack}.yaml`)).alerting;
}

const standIn: Record<ReceiverKind, (name: string) => string> = {
    pagerduty: name => `test-routing-key-${name}`.padEnd(32, "0"),
    slack: name => `https://hooks.slack.com/services/TTEST/BTEST/${name}`,
    email: name => `test-smtp-password-${name}`,
    webhook: name => `https://heartbeat.example.com/ping/${name}`,
    opsgenie: name => `test-opsgenie-key-${name}`,
};

/** Credentials of the right shape for every receiver, for tests and this script. */
export function standInCredentials(s: AlertingSettings): Record<string, string> {
    return Object.fromEntries(s.receivers.map(r => [r.name, standIn[r.kind](r.name)]));
}

/** Writes <dir>/alertmanager.yaml for the stack and returns its path. */
export function writeAlertmanagerConfig(stack: string, dir: string, credentials?: Record<string, string>): string {
    const s = stackAlerting(stack);
    const file = path.join(dir, alertmanagerConfigKey);
    fs.writeFileSync(file, alertmanagerConfigYaml(s, credentials ?? standInCredentials(s)));
    return file;
}

if (require.main === module) {
    const stack = process.argv[2] ?? "prod";
    const dir = process.argv[3] ?? fs.mkdtempSync(path.join(os.tmpdir(), "amtool-"));
    fs.mkdirSync(dir, { recursive: true });
    const file = writeAlertmanagerConfig(stack, dir);
    const results = [amtool(["check-config", file]), amtool(["config", "routes", `--config.file=${file}`])];
    for (const r of results) process.stdout.write(r.output);
    console.log(`file: ${file}`);
    process.exit(results.every(r => r.ok) ? 0 : 1);
}
