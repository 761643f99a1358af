// Every setting, every kind of bad value: each is refused with a message that names the key.
import { strict as assert } from "assert";
import { defaultVersions } from "../../charts/table";
import { Kind } from "../../config/reader";
import { parseSettings, RawConfig } from "../../config/settings";
import { setSetting } from "../harness";
import { allSettings, fullConfig } from "./settings-catalog";

const withValue = (key: string, value: unknown): RawConfig => setSetting(fullConfig(), key, value);

const message = (raw: RawConfig): string | undefined => {
    try {
        parseSettings(raw, defaultVersions);
        return undefined;
    } catch (e) {
        assert.equal((e as Error).name, "ConfigError", String(e));
        return (e as Error).message;
    }
};

const badValues: Record<Kind, [string, unknown, RegExp][]> = {
    string: [["a number", 42, /must be/], ["an empty string", "", /must be/], ["a list", ["a"], /must be/]],
    required: [["an empty string", "", /must be/], ["nothing", undefined, /is required/]],
    enum: [["an unknown value", "nonsense", /must be one of/], ["a number", 3, /must be one of/]],
    duration: [["words", "31 days", /must be a duration like/], ["a number", 744, /must be a duration like/]],
    int: [["a string", "three", /must be an integer from/], ["a huge number", 1e9, /must be an integer from/], ["a negative number", -1, /must be an integer from/], ["a fraction", 1.5, /must be an integer from/]],
    bool: [["a string", "yes", /must be true or false/], ["a number", 1, /must be true or false/]],
    quantity: [["words", "a lot", /must be a (CPU|memory) quantity/], ["a negative", "-1", /must be a (CPU|memory) quantity/]],
    object: [["a string", "x", /must be an object/], ["a list", [1], /must be an object/]],
    map: [["a string", "x", /must be an object/], ["a list", [1], /must be an object/]],
    names: [["a number", 42, /must be a receiver name/], ["an empty list", [], /must be a receiver name/], ["an undeclared name", "nobody", /"nobody" is not a receiver; known: /]],
    choices: [["a string", "loki.mode", /must be a list of/], ["an unknown entry", ["loki.size"], /may only list .*, got "loki\.size"/]],
    list: [["a string", "x", /must be a list of/], ["a list of numbers", [1], /must be a list of/], ["a list with an empty string", [""], /must be a list of/]],
};

describe("bad input, setting by setting", () => {
    const settings = allSettings();

    it("the full configuration is valid and reads every setting", () => {
        assert.equal(message(fullConfig()), undefined);
        for (const path of ["loki.replicas.write", "tempo.replicas.ingester", "grafana.ingress.clusterIssuer", "objectStorage.buckets.tempo", "prometheus.alertmanager.resources.limits.memory"]) {
            assert.ok(settings.has(path), path);
        }
        assert.ok(settings.size > 60, `only ${settings.size} settings read`);
    });

    for (const [path, kind] of allSettings()) {
        for (const [what, value, expected] of badValues[kind]) {
            it(`refuses ${what} for ${path}`, () => {
                const text = message(withValue(path, value));
                assert.ok(text, `${path} = ${JSON.stringify(value)} was accepted`);
                const line = text!.split("\n").find(l => l.includes(`- ${path} `) || l.includes(`- ${path}.`) || l.includes(`- ${path}:`) || l.includes(` ${path} `));
                assert.ok(line, `no message names ${path}:\n${text}`);
                assert.match(line!, expected);
            });
        }
    }

    for (const [path, kind] of allSettings()) {
        if (kind !== "object") continue;
        it(`suggests the right key for a typo inside ${path}`, () => {
            const inner = [...allSettings().keys()].find(p => p.startsWith(`${path}.`) && !p.slice(path.length + 1).includes("."))!;
            const key = inner.slice(path.length + 1);
            const typo = key.length > 2 ? key.slice(0, 2) + key.slice(3) : `${key}x`;
            const raw = withValue(`${path}.${typo}`, "x");
            assert.match(message(raw)!, new RegExp(`${path.replace(/\./g, "\\.")}\\.${typo} is not a known setting \\(did you mean "${inner.replace(/\./g, "\\.")}"\\?\\)`));
        });
    }

    it("suggests the right key for a typo at the top level", () => {
        assert.match(message({ ...fullConfig(), grafanna: {} } as RawConfig)!, /grafanna is not a known setting \(did you mean "grafana"\?\)/);
    });
});
