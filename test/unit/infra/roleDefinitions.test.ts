import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { allResources, readCompiledTemplate, repositoryRoot } from "./armTemplate";

// Built-in role definition ids (Microsoft Learn, "Azure built-in roles"; the same in every cloud).
const builtInRoles = new Map([
  ["Desktop Virtualization User Session Operator", "ea4bfff8-7fb4-485a-aadd-d4129a0ffaa6"],
  ["Desktop Virtualization Host Pool Reader", "ceadfde2-b300-400a-ab7b-6143895aa822"],
  ["Storage Blob Data Contributor", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"],
  ["Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"],
  ["Storage Queue Data Contributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88"],
  ["Storage Table Data Contributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"],
  ["Monitoring Metrics Publisher", "3913510d-42f4-4e42-8a64-420c390055eb"],
]);

const guidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function bicepFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? bicepFiles(path.join(directory, entry.name))
      : entry.name.endsWith(".bicep")
        ? [path.join(directory, entry.name)]
        : [],
  );
}

interface RoleIdUse {
  readonly file: string;
  readonly id: string;
  readonly comment: string;
}

/** Each GUID literal in the templates, with the comment line right above it. */
function roleIdUses(): RoleIdUse[] {
  return bicepFiles(path.join(repositoryRoot, "infra")).flatMap((file) => {
    const lines = readFileSync(file, "utf8").split(/\r?\n/);
    return lines.flatMap((line, index) =>
      [...line.matchAll(guidPattern)].map((match) => ({
        file: path.relative(repositoryRoot, file),
        id: match[0].toLowerCase(),
        comment: (lines[index - 1] ?? "").trim(),
      })),
    );
  });
}

describe("role definition ids", () => {
  const uses = roleIdUses();

  it("uses only the built-in roles of the table, each under a comment naming it", () => {
    for (const use of uses) {
      const name = [...builtInRoles].find(([, id]) => id === use.id)?.[0];
      assert.ok(name !== undefined, `${use.file}: ${use.id} is not a role of the table`);
      assert.match(use.comment, new RegExp(`^// ${name}( \\(|$)`), `${use.file}: ${use.id} is ${name}`);
    }
  });

  it("grants exactly these roles: the AVD pair (or the custom role) on AVD, storage data and metrics publishing on its own resources", () => {
    assert.deepEqual(new Set(uses.map((use) => use.id)), new Set(builtInRoles.values()));
  });

  it("assigns the AVD roles in a subscription-scoped module looped over AVD_SUBSCRIPTION_IDS, after the custom role's own deployment", () => {
    const deployments = readCompiledTemplate().resources.filter(
      (resource) => resource.type === "Microsoft.Resources/deployments" && resource.subscriptionId !== undefined,
    );
    const assigning = deployments.filter((resource) =>
      (resource.properties?.template?.resources ?? []).some(
        (inner) => inner.type === "Microsoft.Authorization/roleAssignments",
      ),
    );
    const defining = deployments.filter((resource) =>
      (resource.properties?.template?.resources ?? []).some(
        (inner) => inner.type === "Microsoft.Authorization/roleDefinitions",
      ),
    );
    assert.equal(assigning.length, 1);
    assert.equal(defining.length, 1);
    assert.notEqual(assigning[0], defining[0], "definition and assignment in separate deployments");
    for (const loop of [...assigning, ...defining]) {
      assert.ok(loop.copy !== undefined);
      assert.match(loop.subscriptionId!, /avdSubscriptionIdList.*copyIndex\(\)/);
    }
    const dependsOn = (assigning[0] as { dependsOn?: string[] }).dependsOn ?? [];
    assert.ok(
      dependsOn.some((target) => target.includes("avd-signout-session-role-") && target.includes("copyIndex()")),
      `the assignments wait for the same subscription's role definition: ${dependsOn.join(", ")}`,
    );
  });

  it("names every role assignment with guid(), so a redeployment finds the same one", () => {
    const assignments = allResources(readCompiledTemplate()).filter(
      (resource) => resource.type === "Microsoft.Authorization/roleAssignments",
    );
    assert.equal(assignments.length, 6);
    for (const assignment of assignments) assert.match(assignment.name, /^\[guid\(/);
  });

  it("names each assignment outside the app's resource group from the principal it grants, so azd down then up makes new ones", () => {
    const avdAssignments = readCompiledTemplate()
      .resources.filter(
        (resource) => resource.type === "Microsoft.Resources/deployments" && resource.subscriptionId !== undefined,
      )
      .flatMap((resource) => resource.properties?.template?.resources ?? [])
      .filter((resource) => resource.type === "Microsoft.Authorization/roleAssignments");
    assert.equal(avdAssignments.length, 1);
    for (const assignment of avdAssignments) {
      assert.match(assignment.name, /^\[guid\(.*parameters\('principalId'\)/);
      assert.doesNotMatch(assignment.name, /identityResourceId/);
    }
  });
});
