import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startSignOutHarness, type SignOutHarness } from "./signOutHarness";
import { aliceSessions, everyoneButAlice, tenantScenario } from "./tenantScenario";

// A file of its own: the identity library caches tokens per process, and these tests count the
// requests that reach the managed identity endpoint.
let harness: SignOutHarness;

before(async () => {
  harness = await startSignOutHarness(tenantScenario());
});
after(() => harness.close());

describe("managed identity and cloud", () => {
  it("gets one token from the system-assigned identity for the cloud's audience, not the endpoint URL", async () => {
    const handler = harness.handler();
    assert.equal((await harness.post(handler, { userPrincipalName: "nobody@contoso.com" })).status, 200);
    const requests = harness.emulator.tokenRequests();
    // The subscriptions' clients start together on a cold cache, so each may ask once.
    assert.ok(requests.length >= 1 && requests.length <= 2);
    for (const request of requests) {
      assert.equal(request.resource?.replace(/\/$/, ""), "https://management.azure.com");
      assert.equal(request.clientId, harness.emulator.systemAssignedClientId);
    }
    assert.equal((await harness.post(handler, { userPrincipalName: "nobody@contoso.com" })).status, 200);
    assert.equal(harness.emulator.tokenRequests().length, requests.length, "a warm instance reuses its token");
    assert.ok(harness.emulator.calls().every((call) => call.status === 200));
  });

  it("asks for the user-assigned identity named by AZURE_CLIENT_ID", async () => {
    const clientId = "44444444-4444-4444-8444-444444444444";
    const result = await harness.post(harness.handler({ AZURE_CLIENT_ID: clientId }), {
      userPrincipalName: "alice@contoso.com",
    });
    assert.equal(result.status, 200);
    assert.ok(harness.emulator.tokenRequests().some((request) => request.clientId === clientId));
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });

  it("answers 502 and deletes nothing when the token's audience is not ARM's", async () => {
    harness.emulator.reset();
    const result = await harness.post(harness.handler({ AZURE_RESOURCE_MANAGER_AUDIENCE: "https://vault.azure.net" }), {
      userPrincipalName: "alice@contoso.com",
    });
    assert.equal(result.status, 502);
    assert.equal(result.body.errors.length, 2);
    assert.ok(result.body.errors.every((error) => error.code === "InvalidAuthenticationTokenAudience"));
    assert.deepEqual(harness.remaining(), [...everyoneButAlice, ...aliceSessions].sort());
  });
});
