import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Scenario } from "../../emulator/scenario";
import { startSignOutHarness, type SignOutHarness } from "./signOutHarness";
import { subscriptionA } from "./tenantScenario";

// The request schema admits ASCII UPNs only, so a look-alike can only come from a listing: exactly
// where a Unicode case fold would sign out someone else.
const kelvinKate = "\u212Aate@contoso.com";

/** `filterCaseSensitive: false`: the emulated service folds case the Unicode way in `$filter`. */
function lookAlikeTenant(): Scenario {
  return {
    filterCaseSensitive: false,
    subscriptions: [
      {
        id: subscriptionA,
        hostPools: [
          {
            name: "HP-Kate",
            resourceGroup: "RG-Avd",
            sessionHosts: [
              {
                name: "host-k1.contoso.com",
                sessions: [
                  { id: "1", userPrincipalName: "kate@contoso.com", sessionState: "Active" },
                  { id: "2", userPrincipalName: kelvinKate, sessionState: "Active" },
                  { id: "3", userPrincipalName: "KATE@Contoso.com", sessionState: "Disconnected" },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

let harness: SignOutHarness;

before(async () => {
  harness = await startSignOutHarness(lookAlikeTenant());
});
after(() => harness.close());
beforeEach(() => harness.emulator.load(lookAlikeTenant()));

describe("a Unicode look-alike of the user in a listing", () => {
  for (const [how, settings] of [
    ["matching on the function's side", {}],
    ["with the service filter, which hands the look-alike back", { AVD_SERVER_SIDE_FILTER: "true" }],
  ] as const) {
    it(`keeps its session (Kelvin sign for K) while the user's sessions in any ASCII case end, ${how}`, async () => {
      const result = await harness.post(harness.handler(settings), { userPrincipalName: "kate@contoso.com" });
      assert.equal(result.status, 200);
      assert.deepEqual(harness.remaining(), [`11111111/HP-Kate/host-k1.contoso.com/2 ${kelvinKate}`]);
      assert.deepEqual(result.body.sessions.map((session) => session.sessionId).sort(), ["1", "3"]);
    });
  }

  it("is not found for the user in a dry run either", async () => {
    const result = await harness.post(harness.handler(), { userPrincipalName: "KATE@contoso.com", dryRun: true });
    assert.equal(result.status, 200);
    assert.equal(result.body.counts.sessionsFound, 2);
    assert.ok(result.body.sessions.every((session) => session.userPrincipalName !== kelvinKate));
  });
});
