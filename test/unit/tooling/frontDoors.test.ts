import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { repositoryRoot, sourceFiles } from "../../support/sourceFiles";

/** Every relative import of `file`, resolved to a path from the repository root (without an extension). */
function resolvedImportsOf(file: string): string[] {
  const text = readFileSync(path.join(repositoryRoot, file), "utf8");
  return [...text.matchAll(/from\s+"(\.[^"]*)"|import\("(\.[^"]*)"\)/g)].map((match) => {
    const target = path.resolve(repositoryRoot, path.dirname(file), match[1] ?? match[2] ?? "");
    // A folder imported by its name is its index.
    const isFolder = existsSync(target) && statSync(target).isDirectory();
    return path.relative(repositoryRoot, isFolder ? path.join(target, "index") : target);
  });
}

/** The imports from outside `folder` that reach into it by any other module than its front (`folder/index.ts`). */
function backDoors(folder: string, importers: readonly string[]): string[] {
  const front = path.join(folder, "index");
  return importers
    .filter((file) => !file.startsWith(folder + path.sep))
    .flatMap((file) =>
      resolvedImportsOf(file)
        .filter((target) => target.startsWith(folder + path.sep) && target !== front)
        .map((target) => `${file} imports ${target}`),
    );
}

describe("the front doors of jobs/ and of the report", () => {
  it("lets http/, app/ and functions/ reach jobs/ through src/lib/jobs/index.ts only", () => {
    const importers = ["src/functions", "src/lib/http", "src/lib/app"].flatMap((folder) => sourceFiles(folder));
    assert.ok(importers.length > 0, "no importer found: the folders moved?");
    const through = importers.filter((file) => resolvedImportsOf(file).includes(path.join("src/lib/jobs", "index")));
    assert.ok(through.length > 0, "nothing reaches jobs/ through its front: the front moved?");
    assert.deepEqual(backDoors(path.join("src", "lib", "jobs"), importers), []);
  });

  it("lets jobs/ (and http/) reach the report through src/lib/engine/report/index.ts only", () => {
    const importers = ["src/lib/jobs", "src/lib/http"].flatMap((folder) => sourceFiles(folder));
    const through = importers.filter((file) =>
      resolvedImportsOf(file).includes(path.join("src/lib/engine/report", "index")),
    );
    assert.ok(through.length > 0, "nothing reaches the report through its front: the front moved?");
    assert.deepEqual(backDoors(path.join("src", "lib", "engine", "report"), importers), []);
  });

  it("defines the report's key, sort, status rule, counts and merges in engine/report/ only (not again in engine/, jobs/ or http/)", () => {
    // The names the report's folder owns; a second definition elsewhere in engine/ or jobs/ is a
    // second rule (a second sort, status rule, count or merge) drifting from the first.
    const owned = [
      "sortSessions",
      "decideStatus",
      "statusOf",
      "countSessions",
      "countNotifications",
      "sessionsOfUsers",
      "sessionKey",
      "sessionKeyInHostPool",
      "addCounts",
      "distinctErrors",
      "userSummary",
      "sessionWithOutcome",
      "isProblem",
    ];
    const elsewhere = ["src/lib/engine", "src/lib/jobs", "src/lib/http"]
      .flatMap((folder) => sourceFiles(folder))
      .filter((file) => !file.startsWith(path.join("src", "lib", "engine", "report") + path.sep))
      .flatMap((file) => {
        const text = readFileSync(path.join(repositoryRoot, file), "utf8");
        return owned
          .filter((name) => new RegExp(`(?:function|const|let)\\s+${name}\\b`).test(text))
          .map((name) => `${file} defines ${name}`);
      });
    assert.deepEqual(elsewhere, []);
  });
});
