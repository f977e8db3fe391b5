import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { readCompiledTemplate, repositoryRoot } from "./armTemplate";

const readme = readFileSync(path.join(repositoryRoot, "README.md"), "utf8");
const deploy = readme.slice(
  readme.indexOf("\n## Deploy\n"),
  readme.indexOf("\n## ", readme.indexOf("\n## Deploy\n") + 1),
);

describe("azd's parameter file (infra/main.parameters.json)", () => {
  it("maps only parameters the template has, and every required one", () => {
    const file = JSON.parse(readFileSync(path.join(repositoryRoot, "infra", "main.parameters.json"), "utf8")) as {
      parameters: Record<string, { value: string }>;
    };
    const parameters = readCompiledTemplate().parameters ?? {};
    assert.deepEqual(
      Object.keys(file.parameters).filter((name) => !(name in parameters)),
      [],
    );
    const required = Object.entries(parameters).filter(([, parameter]) => !("defaultValue" in parameter));
    assert.deepEqual(
      required.map(([name]) => name).filter((name) => !(name in file.parameters)),
      [],
    );
  });
});

// The deployment guide is moving from the README to docs/deploying.md: a parameter documented in
// either table counts until the README's copy is gone.
const deployingGuide = readFileSync(path.join(repositoryRoot, "docs", "deploying.md"), "utf8");

describe("the README's Deploy section", () => {
  it("documents every parameter of the template in its table (or docs/deploying.md's)", () => {
    const documented = new Set(
      [...deploy.matchAll(/^\| `(\w+)`\s+\|/gm), ...deployingGuide.matchAll(/^\| `(\w+)`\s+\|/gm)].map(
        (match) => match[1]!,
      ),
    );
    assert.deepEqual(
      Object.keys(readCompiledTemplate().parameters ?? {}).filter((name) => !documented.has(name)),
      [],
    );
  });

  it("states who may deploy: Owner or User Access Administrator on each AVD subscription", () => {
    assert.match(deploy, /\*\*Owner\*\* or \*\*User Access Administrator\*\*[^.]*\*\*each AVD subscription\*\*/);
  });

  it("links the Deploy to Azure button to the committed ARM template", () => {
    const link = /\(https:\/\/portal\.azure\.com\/#create\/Microsoft\.Template\/uri\/([^)]+)\)/.exec(deploy);
    assert.ok(link, "a Deploy to Azure link");
    assert.match(
      decodeURIComponent(link[1]!),
      /^https:\/\/raw\.githubusercontent\.com\/<owner>\/avd-user-signout\/main\/infra\/azuredeploy\.json$/,
    );
  });

  it("marks every step that needs Azure", () => {
    const steps = [...deploy.matchAll(/^### (.+)$/gm)].map((match) => match[1]!);
    assert.ok(steps.length >= 5);
    for (const step of steps.filter((title) => title !== "Checked here")) assert.match(step, /_\(needs [^)]+\)_/, step);
  });
});
