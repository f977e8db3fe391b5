import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readScenarioFile } from "../../emulator/readScenarioFile";
import type { Scenario } from "../../emulator/scenario";
import { scenarioSubscriptionIds, startSignOutHarness, type SignOutHarness } from "./signOutHarness";

/** The demo tenant plus 60 staff users spread over its six host pools, some in two pools. */
function demoTenantWithStaff(): Scenario {
  const scenario = readScenarioFile("demo-tenant");
  const pools = scenario.subscriptions.flatMap((subscription) => subscription.hostPools ?? []);
  const states = ["Active", "Disconnected", "Pending"] as const;
  for (let i = 1; i <= 60; i++) {
    const upn = `staff${String(i).padStart(2, "0")}@contoso.com`;
    const homes = i % 3 === 0 ? [i % pools.length, (i + 2) % pools.length] : [i % pools.length];
    homes.forEach((poolIndex, n) => {
      const host = pools[poolIndex]!.sessionHosts![0]!;
      host.sessions = [
        ...(host.sessions ?? []),
        { id: `${100 + i}${n}`, userPrincipalName: upn, sessionState: states[(i + n) % states.length]! },
      ];
    });
  }
  return scenario;
}

const scenario = demoTenantWithStaff();
const hostPools = scenario.subscriptions.flatMap((subscription) => subscription.hostPools ?? []);
let harness: SignOutHarness;

before(async () => {
  harness = await startSignOutHarness(scenario);
});
after(() => harness.close());

describe("a 50-user batch over the demo tenant", () => {
  it("signs out exactly those users' sessions with one listing per host pool, not one per user", async (t) => {
    const staff = Array.from({ length: 46 }, (_, i) => `staff${String(i + 1).padStart(2, "0")}@contoso.com`);
    // 51 entries, one a duplicate in another case: 50 users.
    const requested = [...staff, "alice@contoso.com", "bob@contoso.com", "O'BRIEN@contoso.com", "carol@contoso.com"];
    const body = { userPrincipalNames: [...requested, "Staff01@Contoso.COM"], reason: "offboarding wave 7" };
    const wanted = new Set(requested.map((upn) => upn.toLowerCase()));
    const before = harness.emulator.sessions();
    const expectedGone = before.filter((s) => wanted.has(s.userPrincipalName.toLowerCase()));
    const expectedLeft = before.filter((s) => !wanted.has(s.userPrincipalName.toLowerCase()));

    const result = await harness.post(
      harness.handler({ AVD_SUBSCRIPTION_IDS: scenarioSubscriptionIds(scenario).join(",") }),
      body,
    );

    assert.equal(result.status, 200);
    assert.equal(result.body.status, "completed");
    assert.equal(result.body.userPrincipalNames?.length, 50);
    assert.equal(result.body.users.length, 50);
    const key = (s: { hostPool: string; sessionHost: string; sessionId: string }) =>
      `${s.hostPool}/${s.sessionHost}/${s.sessionId}`.toLowerCase();
    assert.deepEqual(harness.emulator.sessions().map(key).sort(), expectedLeft.map(key).sort());
    assert.ok(
      expectedLeft.some((s) => s.userPrincipalName === "alice@contoso.com.evil.example"),
      "the look-alike stays",
    );
    assert.equal(result.body.counts.signedOut, expectedGone.length);
    for (const user of result.body.users) {
      const own = expectedGone.filter(
        (s) => s.userPrincipalName.toLowerCase() === user.userPrincipalName?.toLowerCase(),
      );
      assert.equal(user.counts.signedOut, own.length, user.userPrincipalName ?? "");
    }

    const calls = harness.emulator.calls();
    const listings = calls.filter((c) => c.operation === "listUserSessions");
    const firstPages = listings.filter((c) => c.query.$skipToken === undefined);
    const expectedPages = hostPools.reduce((pages, pool) => {
      const sessions = (pool.sessionHosts ?? []).reduce((n, host) => n + (host.sessions ?? []).length, 0);
      return pages + Math.max(1, Math.ceil(sessions / (pool.sessionPageSize ?? 1000)));
    }, 0);
    t.diagnostic(
      `50 users × ${hostPools.length} host pools: ${firstPages.length} listings (${listings.length} pages) instead of ${50 * hostPools.length}`,
    );
    assert.equal(firstPages.length, hostPools.length, "one listing per host pool");
    assert.equal(listings.length, expectedPages, "and only the pages those listings need");
    assert.equal(calls.filter((c) => c.operation === "deleteUserSession").length, expectedGone.length);
    const hostPoolPages = scenario.subscriptions.reduce(
      (pages, s) => pages + Math.max(1, Math.ceil((s.hostPools ?? []).length / (s.hostPoolPageSize ?? 1000))),
      0,
    );
    assert.equal(calls.filter((c) => c.operation === "listHostPools").length, hostPoolPages);
  });
});
