import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

const root = path.resolve(__dirname, "..", "..", "..");

function sourceFiles(directory: string): string[] {
  return readdirSync(path.join(root, directory), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(path.join(directory, entry.name))
      : entry.name.endsWith(".ts")
        ? [path.join(directory, entry.name)]
        : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), "utf8");
  return [...text.matchAll(/from\s+"([^"]+)"|require\("([^"]+)"\)/g)].map((match) => match[1] ?? match[2] ?? "");
}

describe("what ships and what stays behind", () => {
  it("keeps the emulator, the local runner, tests and the benchmark out of src's imports", () => {
    for (const file of sourceFiles("src")) {
      for (const specifier of importsOf(file)) {
        const resolved = specifier.startsWith(".")
          ? path.relative(root, path.resolve(root, path.dirname(file), specifier))
          : specifier;
        assert.ok(!/^(?:emulator|local|test|bench)(?:\/|$)/.test(resolved), `${file} imports ${specifier}`);
      }
    }
  });

  it("keeps the engine, the Azure clients and the settings free of HTTP, the environment and the console", () => {
    for (const directory of ["src/engine", "src/azure", "src/config", "src/base"]) {
      for (const file of sourceFiles(directory)) {
        const text = readFileSync(path.join(root, file), "utf8");
        assert.ok(!importsOf(file).includes("@azure/functions"), `${file} imports @azure/functions`);
        assert.doesNotMatch(text, /process\.env|console\./, file);
      }
    }
  });

  it("points every import down the layers: functions → http → jobs → engine → azure → config → base", () => {
    // The HTTP adapter stores and queues asynchronous requests; the jobs never reach back into HTTP.
    const rank: Record<string, number> = { functions: 6, http: 5, jobs: 4, engine: 3, azure: 2, config: 1, base: 0 };
    for (const file of sourceFiles("src")) {
      const from = file.split(path.sep)[1] ?? "";
      for (const specifier of importsOf(file).filter((s) => s.startsWith("."))) {
        const target = path.relative(root, path.resolve(root, path.dirname(file), specifier)).split(path.sep)[1] ?? "";
        if (target === from) continue;
        assert.ok(
          (rank[target] ?? 99) < (rank[from] ?? -1),
          `${file} imports ${specifier}, which points up or sideways`,
        );
      }
    }
  });

  it("leaves sources, tests, the emulator, the local runner, the benchmark, local settings and the deployment's own files out of the deployed package", () => {
    const ignored = readFileSync(path.join(root, ".funcignore"), "utf8").split(/\r?\n/);
    const deploymentFiles = ["infra/", "connector/", "tools/", "scripts/", ".github/", "azure.yaml"];
    for (const entry of [
      "src/",
      "test/",
      "emulator/",
      "local/",
      "bench/",
      "local.settings.json",
      ".build/",
      ...deploymentFiles,
    ]) {
      assert.ok(ignored.includes(entry), `.funcignore lacks ${entry}`);
    }
    assert.ok(
      !ignored.includes("dist/") && !ignored.includes("node_modules/"),
      "the built app and its dependencies ship",
    );
  });
});
