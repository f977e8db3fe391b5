import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, it } from "node:test";
import { repositoryRoot, sourceFiles } from "../../support/sourceFiles";

interface PackageJson {
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

const manifest = JSON.parse(readFileSync(path.join(repositoryRoot, "package.json"), "utf8")) as PackageJson;

/** Every package src names: `from "…"` (types included), `import "…"`, `import("…")`, `require("…")`. */
function packagesImportedBySrc(): Set<string> {
  const packages = new Set<string>();
  for (const file of sourceFiles("src")) {
    const text = readFileSync(path.join(repositoryRoot, file), "utf8");
    // Statements only (an import ends with `;`, a call with `)`), so prose in comments is not read as one.
    for (const match of text.matchAll(/(?:\bfrom\s+|^import )"([^"]+)";|\b(?:import|require)\(\s*"([^"]+)"\s*\)/gm)) {
      const specifier = match[1] ?? match[2] ?? "";
      if (specifier.startsWith(".") || specifier.startsWith("node:") || builtinModules.includes(specifier)) continue;
      const parts = specifier.split("/");
      packages.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier));
    }
  }
  return packages;
}

describe("the dependencies that ship", () => {
  it("has every production dependency imported by src: nothing ships for nothing", () => {
    const imported = packagesImportedBySrc();
    const unused = Object.keys(manifest.dependencies ?? {}).filter((name) => !imported.has(name));
    assert.deepEqual(unused, [], "move these to devDependencies (or remove them)");
  });

  it("has every package src imports among the production dependencies, so the deployed app finds it", () => {
    const production = new Set(Object.keys(manifest.dependencies ?? {}));
    const missing = [...packagesImportedBySrc()].filter((name) => !production.has(name)).sort();
    assert.deepEqual(missing, []);
  });
});
