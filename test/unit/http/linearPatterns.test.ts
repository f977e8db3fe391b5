import assert from "node:assert/strict";
import path from "node:path";
import { before, describe, it } from "node:test";
import { ESLint, type Linter } from "eslint";
import tseslint from "typescript-eslint";
import { signOutRequestSchema } from "../../../src/lib/http/signOutRequest";
import { toSwaggerSchema } from "../../../src/lib/http/toSwaggerSchema";

const root = path.resolve(__dirname, "..", "..", "..", "..");
const linearRules = ["regexp/no-super-linear-backtracking", "regexp/no-super-linear-move"] as const;

/** The two rules exactly as the project's lint configuration sets them, and nothing else. */
async function linearPatternLinter(): Promise<ESLint> {
  const project = new ESLint({ cwd: root });
  const { rules } = (await project.calculateConfigForFile(path.join(root, "src/lib/http/signOutRequest.ts"))) as {
    rules: Linter.RulesRecord;
  };
  const { default: regexp } = await import("eslint-plugin-regexp");
  return new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.ts", "**/*.js"],
        languageOptions: { parser: tseslint.parser },
        // Only these rules run here, so the project's disable comments for other rules look unused.
        linterOptions: { reportUnusedDisableDirectives: "off" },
        // Known, so that the project's disable comments for its rules name existing rules.
        plugins: { regexp, "@typescript-eslint": tseslint.plugin },
        rules: Object.fromEntries(linearRules.map((rule) => [rule, rules[rule]!])),
      },
    ],
  });
}

function findings(results: ESLint.LintResult[]): string[] {
  return results.flatMap((result) =>
    result.messages.map(
      (message) => `${path.relative(root, result.filePath)}:${message.line} ${message.ruleId}: ${message.message}`,
    ),
  );
}

/** Every `pattern` in a JSON Schema, wherever it sits. */
function patternsIn(schema: unknown): string[] {
  if (typeof schema !== "object" || schema === null) return [];
  return Object.entries(schema).flatMap(([key, value]) =>
    key === "pattern" && typeof value === "string" ? [value] : patternsIn(value),
  );
}

// A pattern that backtracks super-linearly lets one 64 KiB body hold the event loop for seconds,
// stalling every other request of the instance. These tests fail when such a pattern comes back.
describe("patterns run on input take linear time", () => {
  let linter: ESLint;
  before(async () => {
    linter = await linearPatternLinter();
  });

  it("is enforced by the lint configuration as errors, for src, the emulator and tests", async () => {
    const project = new ESLint({ cwd: root });
    for (const file of [
      "src/lib/http/signOutRequest.ts",
      "emulator/matchArmRoute.ts",
      "test/unit/http/linearPatterns.test.ts",
    ]) {
      const config = (await project.calculateConfigForFile(path.join(root, file))) as { rules: Linter.RulesRecord };
      for (const rule of linearRules) {
        const setting = config.rules[rule];
        assert.equal(Array.isArray(setting) ? setting[0] : setting, 2, `${rule} is an error for ${file}`);
      }
    }
  });

  it("catches the quadratic one-line text pattern this app used to have", async () => {
    const old = "const oneLine = /^[^\\u0000-\\u001f\\u007f]*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$/;";
    const trailingSlashes = 'const trimmed = value.replace(/\\/+$/, "");';
    assert.equal(findings(await linter.lintText(old, { filePath: path.join(root, "src/old.ts") })).length, 1);
    assert.equal(
      findings(await linter.lintText(trailingSlashes, { filePath: path.join(root, "src/old.ts") })).length,
      1,
    );
  });

  it("holds for every pattern written in src and the emulator", async () => {
    assert.deepEqual(findings(await linter.lintFiles(["src", "emulator"])), []);
  });

  it("holds for every pattern the request schema carries, however it was built", async () => {
    const patterns = patternsIn(toSwaggerSchema(signOutRequestSchema, "input", "SignOutRequest"));
    // userPrincipalName(s), notify.title and .message, requestedBy, reason, subscriptionIds, hostPools.
    assert.ok(patterns.length >= 8, `found ${patterns.length} patterns`);
    const source = patterns.map((pattern) => `new RegExp(${JSON.stringify(pattern)});`).join("\n");
    const results = await linter.lintText(source, { filePath: path.join(root, "src/requestPatterns.ts") });
    assert.deepEqual(findings(results), []);
  });
});
