import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { readCompiledTemplate, repositoryRoot } from "./armTemplate";

const deploy = readFileSync(path.join(repositoryRoot, "docs", "deploying.md"), "utf8");
/** The page's sections that describe rather than deploy; every other one is a step that needs Azure. */
const referenceSections = ["Prerequisites", "Identity", "Least privilege", "What can only be verified on Azure"];

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

describe("docs/deploying.md", () => {
  it("documents every parameter of the template in its table", () => {
    const documented = new Set([...deploy.matchAll(/^\| `(\w+)`\s+\|/gm)].map((match) => match[1]!));
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
    const sections = [...deploy.matchAll(/^## (.+)$/gm)].map((match) => match[1]!);
    assert.deepEqual(
      referenceSections.filter((title) => !sections.includes(title)),
      [],
      "every reference section is on the page",
    );
    const steps = sections.filter((title) => !referenceSections.includes(title));
    assert.ok(steps.length >= 6);
    for (const step of steps) assert.match(step, /_\(needs [^)]+\)_/, step);
    assert.match(deploy, /^### Or the button _\(needs Azure\)_$/m);
  });
});
