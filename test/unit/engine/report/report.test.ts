import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { countNotifications, countSessions, reportWithSessions } from "../../../../src/lib/engine/report/buildReport";
import { sessionKey } from "../../../../src/lib/engine/report/sessionKey";
import type { SignOutOrder } from "../../../../src/lib/engine/signOutOrder";
import type { SessionResult, SignOutReport } from "../../../../src/lib/engine/report/signOutReport";

const base: SessionResult = {
  subscriptionId: "11111111-1111-4111-8111-111111111111",
  resourceGroup: "RG-West",
  hostPool: "HP",
  sessionHost: "host-1",
  sessionId: "1",
  userPrincipalName: "alice@contoso.com",
  sessionState: "Active",
  outcome: "signedOut",
};

describe("the report module", () => {
  it("keys a session by every segment of its id, the resource group included, in any case", () => {
    assert.equal(
      sessionKey(base),
      sessionKey({ ...base, resourceGroup: "rg-west", hostPool: "hp", sessionHost: "HOST-1" }),
    );
    assert.notEqual(sessionKey(base), sessionKey({ ...base, resourceGroup: "RG-East" }), "same pool name, other group");
  });

  it("counts sessions by outcome, disconnect's own counts only in mode disconnect", () => {
    const sessions: SessionResult[] = [
      base,
      { ...base, sessionId: "2", outcome: "failed" },
      { ...base, sessionId: "3", outcome: "signedOut", verified: true },
    ];
    const counts = countSessions("logoff", sessions);
    assert.equal(counts.sessionsFound, 3);
    assert.equal(counts.signedOut, 2);
    assert.equal(counts.failed, 1);
    assert.equal(counts.verified, 1);
    assert.equal(counts.disconnected, undefined);
    assert.equal(countSessions("disconnect", []).disconnected, 0);
    assert.deepEqual(countNotifications([{ notification: "sent" }, { notification: "notShown" }, {}]), {
      sent: 1,
      failed: 0,
      notShown: 1,
      wouldSend: 0,
    });
  });

  it("rebuilds a report over other sessions: users, counts and status follow them", () => {
    const order: SignOutOrder = {
      operationId: "op",
      users: [{ userPrincipalName: "alice@contoso.com" }, { userPrincipalName: "bob@contoso.com" }],
      batch: true,
      mode: "logoff",
      dryRun: false,
      gracePeriodMs: 0,
      subscriptionIds: [base.subscriptionId],
    };
    const report = {
      status: "completed",
      counts: { subscriptions: 1, hostPoolsScanned: 4, ...countSessions("logoff", []) },
      errors: [],
      sessions: [],
      users: [],
    } as unknown as SignOutReport;
    const rebuilt = reportWithSessions(order, report, [
      base,
      { ...base, sessionId: "2", userPrincipalName: "BOB@contoso.com", outcome: "failed" },
    ]);
    assert.equal(rebuilt.status, "failed");
    assert.equal(rebuilt.counts.hostPoolsScanned, 4);
    assert.equal(rebuilt.counts.sessionsFound, 2);
    assert.deepEqual(
      rebuilt.users.map((user) => [user.userPrincipalName, user.status, user.counts.sessionsFound]),
      [
        ["alice@contoso.com", "completed", 1],
        ["bob@contoso.com", "failed", 1],
      ],
    );
  });
});
