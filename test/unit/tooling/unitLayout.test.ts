import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { repositoryRoot } from "../../support/sourceFiles";

// Folders of test/unit that test something other than a src/lib folder: the deployment, the
// connector, the OpenAPI document's callers, the benchmark and the project's own tooling.
const beyondSource = new Set(["bench", "connector", "infra", "openapi", "tooling", "docs"]);

describe("test/unit's layout", () => {
  it("mirrors src/lib: a folder per src/lib folder, nothing loose at the root", () => {
    const unit = path.join(repositoryRoot, "test", "unit");
    const library = new Set(
      readdirSync(path.join(repositoryRoot, "src", "lib"), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name),
    );
    for (const entry of readdirSync(unit, { withFileTypes: true })) {
      assert.ok(
        entry.isDirectory(),
        `test/unit/${entry.name} is loose at the root: move it to the folder of what it tests`,
      );
      assert.ok(
        library.has(entry.name) || beyondSource.has(entry.name),
        `test/unit/${entry.name} names no src/lib folder`,
      );
    }
  });
});
