// Preloaded (`node --import`) into the policy pack's process by policy-process.spec.ts. The CLI's runner
// registers ts-node with type checking; here ts-node only transpiles, because npm test's `tsc --noEmit` has
// already type-checked policy/ with the pack's compiler options (the spec holds the two tsconfigs together),
// and a second check of the same files would cost the suite 4 s. Everything else runs as the CLI runs it.
import { createRequire } from "node:module";
import process from "node:process";

const fromPack = createRequire(`${process.cwd()}/`);
const tsNode = fromPack("ts-node");
const register = tsNode.register;
tsNode.register = options => register({ ...options, typeCheck: false, transpileOnly: true });
