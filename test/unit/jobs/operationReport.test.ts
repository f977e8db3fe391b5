import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildOperationReport, compactAboveUsers } from "../../../src/lib/jobs/aggregateOperation";
import { chunkUsers } from "../../../src/lib/jobs/chunkUsers";
import { countSessions, sortSessions } from "../../../src/lib/engine/report/buildReport";
import type { ChunkRecord, OperationSummary } from "../../../src/lib/jobs/operationRecord";
import type { SessionResult } from "../../../src/lib/engine/report/signOutReport";

function summaryFor(users: number): OperationSummary {
  return {
    operationId: "Yq2XoJ0lXo3VxW3m8x2D7g",
    tokenHash: "0".repeat(64),
    status: "completed",
    createdAt: 0,
    completedAt: 60_000,
    expiresAt: 7 * 86_400_000,
    deadlineAt: 7_200_000,
    chunkCount: Math.ceil(users / 200),
    userCount: users,
    spec: {
      batch: true,
      mode: "logoff",
      dryRun: false,
      gracePeriodMs: 0,
      subscriptionIds: ["11111111-1111-4111-8111-111111111111"],
      verify: true,
    },
    failures: [],
  };
}

/** Finished chunks whose users each had three sessions, all signed out and verified. */
function finishedChunks(users: readonly string[]): ChunkRecord[] {
  return chunkUsers(users).map((chunkUpns, chunk) => {
    const sessions: SessionResult[] = chunkUpns.flatMap((upn, user) =>
      [1, 2, 3].map((n) => ({
        subscriptionId: "11111111-1111-4111-8111-111111111111",
        resourceGroup: "rg-avd",
        hostPool: `hp-${(user + n) % 50}`,
        sessionHost: `sh-${n}.contoso.com`,
        sessionId: String(n),
        userPrincipalName: upn,
        sessionState: "Active",
        outcome: "signedOut" as const,
        upstreamStatus: 204,
        verified: true,
      })),
    );
    return {
      chunk,
      state: "done",
      users: chunkUpns.map((userPrincipalName) => ({ userPrincipalName })),
      actQueued: false,
      attempts: 1,
      result: {
        status: "completed",
        strategy: "unfilteredPerHostPool",
        hostPoolsScanned: 1000,
        counts: countSessions("logoff", sessions),
        users: chunkUpns.map((upn) => ({
          userPrincipalName: upn,
          status: "completed" as const,
          counts: countSessions(
            "logoff",
            sessions.filter((session) => session.userPrincipalName === upn),
          ),
        })),
        problemSessions: [],
        problemSessionCount: 0,
        errors: [],
        errorCount: 0,
        warnings: [],
      },
    };
  });
}

describe("the operation's final answer", () => {
  it("answers 10,000 leavers × 3 sessions compactly in at most 2 MB: counts, each user's status and non-zero counts", () => {
    const users = Array.from({ length: 10_000 }, (_, i) => `leaver${String(i).padStart(5, "0")}@contoso.com`);
    const report = buildOperationReport(summaryFor(users.length), finishedChunks(users), 60_000);
    const bytes = Buffer.byteLength(JSON.stringify(report));
    assert.equal(report.detail, "compact");
    assert.equal(report.counts.signedOut, 30_000);
    assert.equal(report.users.length, 10_000);
    assert.deepEqual(report.users[0], {
      userPrincipalName: "leaver00000@contoso.com",
      status: "completed",
      counts: { sessionsFound: 3, signedOut: 3, verified: 3 },
    });
    assert.ok(bytes <= 2 * 1024 * 1024, `${bytes} bytes`);
    assert.ok(bytes > 500_000, `${bytes} bytes: every user is there`);
  });

  it("answers at most 100 users in full by default, and lists every session from the journal", () => {
    assert.equal(compactAboveUsers, 100);
    const users = ["alice@contoso.com"];
    const journal = [
      {
        chunk: 0,
        session: {
          subscriptionId: "11111111-1111-4111-8111-111111111111",
          resourceGroup: "rg",
          hostPool: "hp",
          sessionHost: "sh",
          sessionId: "1",
          userPrincipalName: "Alice@contoso.com",
          sessionState: "Active",
        },
        intent: "act" as const,
        outcome: "signedOut" as const,
        verified: true,
      },
    ];
    const report = buildOperationReport(
      { ...summaryFor(1), spec: { ...summaryFor(1).spec, batch: false } },
      finishedChunks(users),
      60_000,
      { journal },
    );
    assert.equal(report.detail, "full");
    assert.equal(report.userPrincipalName, "alice@contoso.com");
    assert.deepEqual(
      report.sessions.map((session) => [session.sessionId, session.outcome, session.verified]),
      [["1", "signedOut", true]],
    );
    const [user] = report.users;
    assert.ok(user !== undefined && "sessions" in user && user.sessions?.length === 1, "the user's own sessions");
  });
});

describe("a full answer read before every chunk ended", () => {
  it("counts what it lists: a chunk past the deadline whose journal holds 4 sign-outs counts 4, for the user too", () => {
    const summary: OperationSummary = { ...summaryFor(1), status: "running", completedAt: undefined };
    const open: ChunkRecord = {
      chunk: 0,
      state: "queued",
      users: [{ userPrincipalName: "alice@contoso.com" }],
      actQueued: false,
      attempts: 0,
    };
    const journal = [1, 2, 3, 4].map((n) => ({
      chunk: 0,
      session: {
        subscriptionId: "11111111-1111-4111-8111-111111111111",
        resourceGroup: "rg-avd",
        hostPool: "hp-1",
        sessionHost: `sh-${n}.contoso.com`,
        sessionId: String(n),
        userPrincipalName: "alice@contoso.com",
        sessionState: "Active",
      },
      intent: "act" as const,
      outcome: "signedOut" as const,
      upstreamStatus: 204,
    }));
    const report = buildOperationReport(summary, [open], summary.deadlineAt + 1, { journal });
    assert.equal(report.status, "deadlineExceeded");
    assert.equal(report.sessions.length, 4);
    assert.equal(report.counts.sessionsFound, 4);
    assert.equal(report.counts.signedOut, 4);
    const [alice] = report.users;
    assert.equal(alice?.counts.signedOut, 4);
    assert.equal(alice?.status, "deadlineExceeded");
  });
});

describe("the order of a full answer's sessions", () => {
  it("is the synchronous report's: natural by host (sh-2, sh-9, sh-10), whatever order the journal holds", () => {
    const journal = ["sh-10", "sh-2", "sh-9"].map((host) => ({
      chunk: 0,
      session: {
        subscriptionId: "11111111-1111-4111-8111-111111111111",
        resourceGroup: "rg-avd",
        hostPool: "hp-1",
        sessionHost: host,
        sessionId: "1",
        userPrincipalName: "alice@contoso.com",
        sessionState: "Active",
      },
      intent: "act" as const,
      outcome: "signedOut" as const,
    }));
    const report = buildOperationReport(summaryFor(1), finishedChunks(["alice@contoso.com"]), 60_000, { journal });
    const hosts = report.sessions.map((session) => session.sessionHost);
    assert.deepEqual(hosts, ["sh-2", "sh-9", "sh-10"]);
    assert.deepEqual(
      hosts,
      sortSessions(journal.map((entry) => ({ ...entry.session, outcome: entry.outcome }))).map(
        (session) => session.sessionHost,
      ),
    );
  });
});
