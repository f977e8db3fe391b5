import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Scenario } from "../../emulator/scenario";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { rawArmRequest } from "./rawArmRequest";

const subscriptionId = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f";
const lifetimeSeconds = 600;
const scenario: Scenario = {
  managedIdentity: { tokenLifetimeSeconds: lifetimeSeconds },
  subscriptions: [{ id: subscriptionId, hostPools: [{ name: "hp-1", resourceGroup: "rg-1" }] }],
};

/** Raw HTTP on both listeners: msal is not involved, so this emulator may have its own clock. */
describe("token expiry on the emulator's clock", () => {
  let emulator: RunningEmulator;
  let nowMs = Date.UTC(2026, 0, 5, 9, 0, 0);
  before(async () => {
    emulator = await startEmulator({ scenario, now: () => nowMs });
  });
  after(() => emulator.close());

  const fetchToken = async (): Promise<{ access_token: string; expires_on: unknown }> => {
    const url = new URL(emulator.identityEndpoint);
    url.search = new URLSearchParams({
      "api-version": "2019-08-01",
      resource: "https://management.azure.com",
    }).toString();
    const response = await fetch(url, { headers: { "X-IDENTITY-HEADER": emulator.identityHeader } });
    assert.equal(response.status, 200);
    return (await response.json()) as { access_token: string; expires_on: unknown };
  };
  const listHostPools = (token: string) =>
    rawArmRequest(emulator, {
      path: `/subscriptions/${subscriptionId}/providers/Microsoft.DesktopVirtualization/hostPools?api-version=2024-04-03`,
      bearerToken: token,
    });

  it("writes expires_on as a string of epoch seconds, the scenario's lifetime after the clock", async () => {
    const token = await fetchToken();
    assert.equal(token.expires_on, String(nowMs / 1000 + lifetimeSeconds));
  });

  it("answers 401 ExpiredAuthenticationToken once the clock passes a token's expiry, and accepts a fresh one", async () => {
    const { access_token: token } = await fetchToken();
    assert.equal((await listHostPools(token)).status, 200);
    nowMs += (lifetimeSeconds - 1) * 1000;
    assert.equal((await listHostPools(token)).status, 200);
    nowMs += 1000;
    const expired = await listHostPools(token);
    assert.equal(expired.status, 401);
    assert.equal((expired.body as { error: { code: string } }).error.code, "ExpiredAuthenticationToken");
    assert.match(String(expired.headers["www-authenticate"]), /error="invalid_token"/);
    const { access_token: fresh } = await fetchToken();
    assert.equal((await listHostPools(fresh)).status, 200);
  });
});
