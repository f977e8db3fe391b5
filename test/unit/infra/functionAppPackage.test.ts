import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { unzipSync } from "fflate";
import { repositoryRoot } from "./armTemplate";

interface LockfileEntry {
  readonly dev?: boolean;
  readonly devOptional?: boolean;
  readonly optional?: boolean;
  readonly link?: boolean;
}

const zipPath = path.join(repositoryRoot, "package", "function-app.zip");

function gitStatus(): string | undefined {
  const status = spawnSync("git", ["status", "--porcelain", "--untracked-files=all"], {
    cwd: repositoryRoot,
    encoding: "utf8",
  });
  // A copy of the sources without git (an unpacked archive) has no status to compare.
  return status.status === 0 ? status.stdout : undefined;
}

/** The entry names of a zip, read without inflating anything. */
function zipEntries(file: string): string[] {
  const names: string[] = [];
  unzipSync(readFileSync(file), {
    filter: (entry) => {
      names.push(entry.name);
      return false;
    },
  });
  return names;
}

function lockfilePackages(): [string, LockfileEntry][] {
  const lockfile = JSON.parse(readFileSync(path.join(repositoryRoot, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockfileEntry>;
  };
  return Object.entries(lockfile.packages).filter(([location]) => location.startsWith("node_modules/"));
}

describe("npm run package (scripts/packageFunctionApp.mjs)", () => {
  let entries: Set<string>;
  let statusBefore: string | undefined;
  let statusAfter: string | undefined;

  before(() => {
    statusBefore = gitStatus();
    // The script, not `npm run package`: that would rebuild dist/ under the feet of the tests
    // running beside this one. npm test has just built dist/.
    const packaged = spawnSync(process.execPath, [path.join(repositoryRoot, "scripts", "packageFunctionApp.mjs")], {
      cwd: repositoryRoot,
      encoding: "utf8",
    });
    assert.equal(packaged.status, 0, `${packaged.stdout}${packaged.stderr}`);
    statusAfter = gitStatus();
    entries = new Set(zipEntries(zipPath));
  });

  it("leaves git status as it was: the staging folder and the zip are git-ignored", () => {
    if (statusBefore === undefined) return;
    assert.equal(statusAfter, statusBefore);
  });

  it("holds every built function, host.json, package.json and its lockfile", () => {
    const built = readdirSync(path.join(repositoryRoot, "dist", "functions")).filter((name) => name.endsWith(".js"));
    assert.ok(built.length >= 5, "dist/functions holds the registrations");
    for (const name of built) assert.ok(entries.has(`dist/functions/${name}`), `dist/functions/${name}`);
    for (const name of ["host.json", "package.json", "package-lock.json"]) assert.ok(entries.has(name), name);
  });

  it("holds no dev dependency, direct or transitive", () => {
    const devOnly = lockfilePackages()
      .filter(([, entry]) => entry.dev === true)
      .map(([location]) => location);
    assert.ok(devOnly.length > 100, "the lockfile marks the dev dependencies");
    for (const named of ["typescript", "azurite", "@stryker-mutator/core", "eslint", "prettier", "fflate"]) {
      assert.ok(devOnly.includes(`node_modules/${named}`), `${named} is a dev dependency`);
    }
    const shipped = [...entries].filter((entry) => devOnly.some((location) => entry.startsWith(`${location}/`)));
    assert.deepEqual(shipped.slice(0, 5), []);
  });

  it("holds every production dependency the lockfile names", () => {
    const production = lockfilePackages().filter(
      ([, entry]) => entry.dev !== true && entry.devOptional !== true && entry.optional !== true && entry.link !== true,
    );
    assert.ok(production.some(([location]) => location === "node_modules/@azure/functions"));
    const missing = production.filter(([location]) => !entries.has(`${location}/package.json`));
    assert.deepEqual(
      missing.map(([location]) => location),
      [],
    );
  });

  it("stages in package/app (azure.yaml's dist) exactly the files of the zip", () => {
    const staged = path.join(repositoryRoot, "package", "app");
    assert.ok(existsSync(path.join(staged, "host.json")));
    const list = (folder: string, prefix = ""): string[] =>
      readdirSync(path.join(staged, folder), { withFileTypes: true }).flatMap((entry) => {
        const name = `${prefix}${entry.name}`;
        if (entry.isDirectory()) return list(path.join(folder, entry.name), `${name}/`);
        return entry.isFile() ? [name] : [];
      });
    assert.deepEqual(list("").sort(), [...entries].sort());
  });

  it("holds nothing but the app, its settings files and its dependencies", () => {
    const stray = [...entries].filter(
      (entry) =>
        !entry.startsWith("dist/") &&
        !entry.startsWith("node_modules/") &&
        !["host.json", "package.json", "package-lock.json"].includes(entry),
    );
    assert.deepEqual(stray, []);
  });
});

describe("azure.yaml: what azd ships", () => {
  const azureYaml = readFileSync(path.join(repositoryRoot, "azure.yaml"), "utf8");

  it("names a minimum azd that honours remoteBuild for Flex Consumption (1.23.5 and later)", () => {
    const required = /^requiredVersions:\n\s+azd: "?>= ?(\d+)\.(\d+)\.(\d+)"?$/m.exec(azureYaml);
    assert.ok(required, "requiredVersions.azd");
    const [major, minor, patch] = required.slice(1).map(Number) as [number, number, number];
    assert.ok(major * 1e6 + minor * 1e3 + patch >= 1_023_005, required[0]);
  });

  it("builds locally and ships the folder npm run package stages, built by the prepackage hook", () => {
    assert.match(azureYaml, /^ {4}remoteBuild: false$/m);
    const dist = /^ {4}dist: (\S+)$/m.exec(azureYaml)?.[1];
    assert.equal(dist, "package/app");
    const prepackage = /^ {6}prepackage:\n((?: {8}.*\n)+)/m.exec(azureYaml)?.[1] ?? "";
    assert.equal([...prepackage.matchAll(/run: npm run package$/gm)].length, 2, "for sh and for pwsh");
  });
});
