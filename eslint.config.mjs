// ESLint flat config: ESLint's and typescript-eslint's recommended rules (not type-aware), for every
// TypeScript file of the program, the policy pack, the example, the tests and the scripts. `npm run lint`.
import eslint from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
    globalIgnores(["**/node_modules/", "bin/", "out/"]),
    eslint.configs.recommended,
    tseslint.configs.recommended,
);
