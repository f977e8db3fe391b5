import js from "@eslint/js";
import tseslint from "typescript-eslint";
import regexpPlugin from "eslint-plugin-regexp";

export default tseslint.config(
  { ignores: ["dist/", ".build/", "node_modules/", "package/", "bench/results.json", ".stryker-tmp/", "reports/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  regexpPlugin.configs["flat/recommended"],
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          // node:test's describe/it return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["describe", "it", "test", "suite"] },
          ],
        },
      ],
      "@typescript-eslint/no-explicit-any": "error",
      // Leaving fields out by destructuring (`const { a: _a, ...rest } = x`) names them once, on purpose.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
      // Patterns run on request input: a pattern that backtracks super-linearly lets one body stall the instance.
      "regexp/no-super-linear-backtracking": ["error", { report: "potential" }],
      "regexp/no-super-linear-move": ["error", { report: "potential", ignoreSticky: false, ignorePartial: false }],
      // Patterns shared with the OpenAPI document stay flag-free: JSON Schema patterns have no flags.
      "regexp/use-ignore-case": "off",
    },
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
