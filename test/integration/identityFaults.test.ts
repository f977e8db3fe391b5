import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock, openScan } from "../support/manualClock";
import { startSignOutHarness, type SignOutHarness } from "./signOutHarness";
import { everyoneButAlice, tenantScenario } from "./tenantScenario";

// A file of its own: the identity library caches tokens per process, and the first test needs a
// cold cache so that the request has to wait for the identity endpoint.
let harness: SignOutHarness;
before(async () => {
  harness = await startSignOutHarness(tenantScenario());
});
after(() => harness.close());

describe("the deadline covers token acquisition", () => {
  it("answers 504 at the deadline while the identity endpoint does not answer, and serves the next request", async () => {
    const hung = harness.emulator.gate({ tokens: true, limit: 1 });
    const clock = createManualClock();
    const handler = harness.handler({ AVD_DEADLINE_SECONDS: "30" }, clock);
    const first = harness.post(handler, { userPrincipalName: "alice@contoso.com" });
    await openScan(clock);
    await hung.arrived();
    clock.advance(30_000);
    const answer = await first;
    assert.equal(answer.status, 504);
    assert.equal(answer.body.status, "deadlineExceeded");
    assert.equal(harness.emulator.calls().length, 0, "no ARM call went out without a token");
    assert.equal(hung.held(), 1, "the identity endpoint still has not answered");

    // The endpoint answers again; the next request is not stuck behind the abandoned one.
    const next = harness.post(handler, { userPrincipalName: "alice@contoso.com" });
    await openScan(clock);
    const served = await next;
    assert.equal(served.status, 200);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
    hung.release();
  });
});

describe("identities as App Service serves them", () => {
  it("asks for the user-assigned identity named by AZURE_CLIENT_ID where only user-assigned identities exist", async () => {
    const clientId = "5f0d7a4e-6a61-4c2d-9d44-0a1b2c3d4e5f";
    harness.emulator.load({
      ...tenantScenario(),
      managedIdentity: { systemAssigned: false, userAssignedClientIds: [clientId], tokenLifetimeSeconds: 120 },
    });
    const handler = harness.handler({ AZURE_CLIENT_ID: clientId });
    const first = await harness.post(handler, { userPrincipalName: "alice@contoso.com" });
    assert.equal(first.status, 200);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
    const second = await harness.post(handler, { userPrincipalName: "bob@contoso.com" });
    assert.equal(second.status, 200);
    const requests = harness.emulator.tokenRequests();
    assert.ok(requests.every((request) => request.clientId === clientId && request.status === 200));
    // Two-minute tokens are inside msal's refresh window: each request fetched a fresh one.
    assert.ok(requests.length >= 2, `${requests.length} token requests`);
  });
});
