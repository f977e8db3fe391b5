import assert from "node:assert/strict";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { before, describe, it } from "node:test";
import type * as TestTiers from "../../../scripts/testTiers.mjs" with { "resolution-mode": "import" };

const projectRoot = path.resolve(__dirname, "..", "..", "..", "..");
let tiers: typeof TestTiers;

describe("the test tiers (npm run test:unit, test:fast)", () => {
  before(async () => {
    // Plain JavaScript that runs before any build: loaded from the sources.
    tiers = (await import(pathToFileURL(path.join(projectRoot, "scripts", "testTiers.mjs")).href)) as typeof TestTiers;
  });

  it("reads the modules a file loads, leaving out type-only imports", () => {
    const source = [
      'import assert from "node:assert/strict";',
      'import "./sideEffect";',
      'import type { ChildProcess } from "node:child_process";',
      "import {",
      "  a,",
      "  b,",
      '} from "../multiLine";',
      'export { c } from "./reExported";',
      'export type { D } from "./typesOnly";',
      'const lazy = await import("./lazy");',
      'const old = require("./required");',
    ].join("\n");
    assert.deepEqual(tiers.runtimeImports(source).sort(), [
      "../multiLine",
      "./lazy",
      "./reExported",
      "./required",
      "./sideEffect",
      "node:assert/strict",
    ]);
  });

  it("finds node:child_process behind project modules, not only in the test file itself", () => {
    const startsProcesses = tiers.createChildProcessCheck();
    const at = (file: string) => path.join(projectRoot, file);
    // openApi.test.ts → local/forkFunctionsHost.ts → node:child_process
    assert.equal(startsProcesses(at("test/integration/openApi.test.ts")), true);
    assert.equal(startsProcesses(at("test/local/localHostProcess.ts")), true);
    assert.equal(startsProcesses(at("test/integration/userSignout.test.ts")), false);
    assert.equal(startsProcesses(at("src/lib/engine/scanCoordinator.ts")), false);
  });

  it("keeps every test that starts Azurite or the functions host out of test:fast and test:unit", () => {
    const { unit, fast, all } = tiers.testTiers(projectRoot);
    for (const slow of [
      "test/local/localDemo.test.ts",
      "test/local/azurite.test.ts",
      "test/jobs/asyncSignOut.test.ts",
      "test/integration/asyncSignOut.test.ts",
    ]) {
      assert.ok(all.includes(slow), slow);
      assert.ok(!fast.includes(slow), slow);
    }
    assert.ok(fast.includes("test/integration/guards.test.ts"));
    assert.ok(unit.includes("test/unit/tooling/testTiers.test.ts"));
    assert.ok(unit.every((file) => file.startsWith("test/unit/") && fast.includes(file)));
  });
});
