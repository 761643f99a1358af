// Every setting the parser reads, found by reading the fullest configuration with a trace.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { defaultVersions } from "../../charts/table";
import { Kind } from "../../config/reader";
import { parseSettings } from "../../config/settings";
import { PROJECT, root } from "../harness";

/** The prod stack file plus every optional block, so that every setting is read. */
export function fullConfig(): Record<string, any> {
    const doc = parse(fs.readFileSync(path.join(root, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
    // The project's keys only: `kubernetes:` configures the provider.
    return Object.fromEntries(Object.entries(doc.config).filter(([k]) => k.startsWith(`${PROJECT}:`)).map(([k, v]) => [k.replace(`${PROJECT}:`, ""), v]));
}

/** Every setting path the parser reads, with the kind of value it expects. */
export function allSettings(): Map<string, Kind> {
    const seen = new Map<string, Kind>();
    parseSettings(fullConfig(), defaultVersions, (path, kind) => {
        if (!seen.has(path)) seen.set(path, kind);
    });
    return seen;
}
