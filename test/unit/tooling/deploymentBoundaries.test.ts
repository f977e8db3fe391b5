import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { repositoryRoot, sourceFiles } from "../../support/sourceFiles";

const root = repositoryRoot;

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
    for (const directory of ["src/lib/engine", "src/lib/azure", "src/lib/config", "src/lib/base"]) {
      for (const file of sourceFiles(directory)) {
        const text = readFileSync(path.join(root, file), "utf8");
        assert.ok(!importsOf(file).includes("@azure/functions"), `${file} imports @azure/functions`);
        assert.doesNotMatch(text, /process\.env|console\./, file);
      }
    }
  });

  it("points every import down the layers: functions → app → http → jobs → engine → azure → config → base", () => {
    // The composition root (app) builds everything below it; the HTTP adapter stores and queues
    // asynchronous requests; the jobs never reach back into HTTP; nothing below app reads the runtime.
    const rank: Record<string, number> = {
      functions: 8,
      app: 7,
      http: 6,
      jobs: 5,
      engine: 4,
      azure: 3,
      config: 2,
      base: 1,
    };
    const roomOf = (file: string): string => {
      const parts = file.split(path.sep);
      return parts[1] === "lib" ? (parts[2] ?? "") : (parts[1] ?? "");
    };
    const rooms = new Set(sourceFiles("src").map(roomOf));
    assert.deepEqual([...rooms].sort(), Object.keys(rank).sort(), "every room under src has a rank");
    for (const file of sourceFiles("src")) {
      const from = roomOf(file);
      for (const specifier of importsOf(file).filter((s) => s.startsWith("."))) {
        const target = roomOf(path.relative(root, path.resolve(root, path.dirname(file), specifier)));
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
      // Anchored: an unanchored `src/` also matches node_modules/debug/src, which debug loads.
      assert.ok(ignored.includes(`/${entry}`), `.funcignore lacks /${entry}`);
    }
    const patterns = ignored.filter((line) => line.trim() !== "" && !line.startsWith("#"));
    assert.deepEqual(
      patterns.filter((line) => !line.startsWith("/")),
      [],
      "every pattern is anchored to the project folder",
    );
    assert.ok(
      !patterns.some((line) => /^\/?(?:dist|node_modules)\/?$/.test(line)),
      "the built app and its dependencies ship",
    );
  });
});
