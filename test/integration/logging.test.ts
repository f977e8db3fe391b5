import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startSignOutHarness, type SignOutHarness } from "./signOutHarness";
import {
  everyoneButAlice,
  subscriptionA,
  subscriptionB,
  subscriptionForbidden,
  tenantWithForbiddenSubscription,
} from "./tenantScenario";

let harness: SignOutHarness;

before(async () => {
  harness = await startSignOutHarness(tenantWithForbiddenSubscription());
});
after(() => harness.close());

describe("logs", () => {
  it("writes one structured summary line per request and a warning per failure, under the operation id", async () => {
    const handler = harness.handler({
      AVD_SUBSCRIPTION_IDS: [subscriptionA, subscriptionB, subscriptionForbidden].join(","),
    });
    const result = await harness.post(handler, { userPrincipalName: "alice@contoso.com" });
    assert.equal(result.status, 502);
    assert.deepEqual(harness.remaining(), everyoneButAlice);

    const summaries = result.logs.filter((line) => line.includes('"event":"userSignout.summary"'));
    assert.equal(summaries.length, 1);
    const summary = JSON.parse(summaries[0]!.slice(summaries[0]!.indexOf("{"))) as Record<string, unknown>;
    assert.equal(summary.operationId, result.body.operationId);
    assert.equal(summary.status, "failed");
    assert.equal(summary.signedOut, 4);
    assert.equal(summary.userPrincipalName, "alice@contoso.com");

    const warnings = result.logs.filter((line) => line.startsWith("warning"));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /AuthorizationFailed/);
    assert.match(warnings[0]!, new RegExp(result.body.operationId));
  });

  it("never writes a token, the identity secret or a stack trace to the logs or the response", async () => {
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    const everything = [...result.logs, JSON.stringify(result.body)].join("\n");
    assert.doesNotMatch(everything, /Bearer|access_token|authorization:/i);
    assert.ok(!everything.includes(harness.emulator.identityHeader));
    assert.doesNotMatch(everything, /\n[ \t]+at /);
  });
});
