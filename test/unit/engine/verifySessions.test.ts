import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HostPoolRef } from "../../../src/lib/azure/armResourceId";
import type { SharedScan } from "../../../src/lib/engine/sharedScan";
import type { SessionResult } from "../../../src/lib/engine/report/signOutReport";
import { verifySessions, type ListRequestedSessions } from "../../../src/lib/engine/verifySessions";
import { createManualClock, eventually, settle } from "../../support/manualClock";

const pool: HostPoolRef = {
  subscriptionId: "11111111-1111-1111-1111-111111111111",
  resourceGroup: "rg",
  hostPool: "hp",
};
const session = (sessionId: string, outcome: SessionResult["outcome"]): SessionResult => ({
  ...pool,
  sessionHost: "sh-0",
  sessionId,
  userPrincipalName: "alice@contoso.com",
  sessionState: "Active",
  outcome,
  upstreamStatus: 204,
});
const scan: SharedScan = {
  hostPools: () => Promise.reject(new Error("verification lists no host pools")),
  sessions: () => Promise.reject(new Error("the test's list function stands in for the scan")),
};

/** A coordinator that admits at once and counts who joined and who left. */
function coordinator() {
  const counts = { joined: 0, left: 0 };
  return {
    counts,
    join: () => {
      counts.joined++;
      return Promise.resolve({ scan, doneListing: () => void counts.left++ });
    },
  };
}

describe("verifySessions", () => {
  it("leaves a session unverified and reports the host pool when the listing that should confirm it fails, without listing it again", async () => {
    const { counts, join } = coordinator();
    let listings = 0;
    const list: ListRequestedSessions = () => {
      listings++;
      return Promise.resolve({
        kind: "failed",
        error: { code: "AuthorizationFailed", statusCode: 403, message: "no role" },
      });
    };
    const clock = createManualClock();
    const result = await settle(
      clock,
      verifySessions(
        [{ hostPool: pool, sessions: [session("1", "signedOut")] }],
        "logoff",
        list,
        { clock, join, verifyWindowMs: 30_000 },
        new AbortController().signal,
      ),
    );
    assert.deepEqual(
      result.sessions.map((s) => [s.outcome, s.verified]),
      [["signedOut", undefined]],
    );
    assert.deepEqual(
      result.errors.map((e) => [e.scope, e.hostPool, e.code, e.statusCode]),
      [["hostPool", "hp", "AuthorizationFailed", 403]],
    );
    assert.equal(listings, 1);
    assert.deepEqual(counts, { joined: 1, left: 1 });
  });

  it("joins a scan for every round and leaves it once listed, sleeping on the clock between rounds", async () => {
    const { counts, join } = coordinator();
    const clock = createManualClock();
    let rounds = 0;
    // Listed in the first two rounds, gone in the third.
    const list: ListRequestedSessions = () => {
      rounds++;
      return Promise.resolve({
        kind: "listed",
        sessions:
          rounds < 3
            ? [
                {
                  ref: { ...pool, sessionHost: "SH-0", sessionId: "1" },
                  userPrincipalName: "alice@contoso.com",
                  sessionState: "Active",
                  matchedBy: "userPrincipalName" as const,
                },
              ]
            : [],
      });
    };
    const verifying = verifySessions(
      [{ hostPool: pool, sessions: [session("1", "signedOut"), session("2", "failed")] }],
      "logoff",
      list,
      { clock, join, verifyWindowMs: 30_000 },
      new AbortController().signal,
    );
    for (const wait of [1000, 2000]) {
      await eventually(() => clock.pending() === 1, "verification to sleep");
      assert.deepEqual(clock.remaining(), [wait]);
      clock.advance(wait);
    }
    const result = await verifying;
    assert.deepEqual(
      result.sessions.map((s) => [s.sessionId, s.outcome, s.verified]),
      [
        ["1", "signedOut", true],
        ["2", "failed", undefined],
      ],
    );
    assert.deepEqual(counts, { joined: 3, left: 3 });
  });

  it("joins no scan when nothing was acted on", async () => {
    const { counts, join } = coordinator();
    const result = await verifySessions(
      [{ hostPool: pool, sessions: [session("1", "wouldSignOut"), session("2", "alreadyDisconnected")] }],
      "logoff",
      () => Promise.reject(new Error("nothing to list")),
      { clock: createManualClock(), join, verifyWindowMs: 30_000 },
      new AbortController().signal,
    );
    assert.deepEqual(result.errors, []);
    assert.deepEqual(counts, { joined: 0, left: 0 });
  });
});
