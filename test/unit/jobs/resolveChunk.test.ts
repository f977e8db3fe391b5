import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  closeChunkSessions,
  closedChunkResult,
  resolveChunkSessions,
  type ChunkDelivery,
} from "../../../src/lib/jobs/resolveChunk";
import type { JournalEntry } from "../../../src/lib/jobs/operationRecord";
import type { SignOutOrder } from "../../../src/lib/engine/signOutOrder";
import type { ReportedError, SessionResult, SignOutReport } from "../../../src/lib/engine/report/signOutReport";

const pool = { subscriptionId: "11111111-1111-4111-8111-111111111111", resourceGroup: "RG", hostPool: "HP" };

function session(id: string, hostPool = pool.hostPool): JournalEntry["session"] {
  return {
    ...pool,
    hostPool,
    sessionHost: "host-1",
    sessionId: id,
    userPrincipalName: "alice@contoso.com",
    sessionState: "Active",
  };
}

function order(mode: SignOutOrder["mode"] = "logoff", verify = false): SignOutOrder {
  return {
    operationId: "op",
    users: [{ userPrincipalName: "alice@contoso.com" }],
    batch: false,
    mode,
    dryRun: false,
    gracePeriodMs: 0,
    subscriptionIds: [pool.subscriptionId],
    verify,
  };
}

function report(sessions: SessionResult[] = [], errors: ReportedError[] = []): SignOutReport {
  return { sessions, errors } as unknown as SignOutReport;
}

function delivery(parts: Partial<ChunkDelivery> & Pick<ChunkDelivery, "after">): ChunkDelivery {
  return { order: order(), report: report(), before: [], run: "run-2", ...parts };
}

const outcomes = (sessions: SessionResult[]): string[] => sessions.map((s) => `${s.sessionId} ${s.outcome}`).sort();

describe("resolving a chunk's sessions from its journal and this delivery's listings", () => {
  it("reports a session acted on before a crash, and no longer listed, as signed out — confirmed gone", () => {
    const entry: JournalEntry = { chunk: 0, session: session("1"), intent: "act" };
    const resolved = resolveChunkSessions(delivery({ before: [entry], after: [entry], order: order("logoff", true) }));
    assert.deepEqual(outcomes(resolved), ["1 signedOut"]);
    assert.equal(resolved[0]!.verified, true, "the listing after the action is its verification");
  });

  it("keeps what this delivery found for a session it listed and acted on, verification included", () => {
    const entry: JournalEntry = {
      chunk: 0,
      session: session("1"),
      intent: "act",
      outcome: "signedOut",
      outcomeRun: "run-2",
    };
    const fresh: SessionResult = {
      ...session("1"),
      outcome: "stillPresent",
      error: { code: "SessionStillPresent", statusCode: undefined, message: "x" },
    };
    const resolved = resolveChunkSessions(delivery({ after: [entry], report: report([fresh]) }));
    assert.deepEqual(outcomes(resolved), ["1 stillPresent"]);
  });

  it("never claims an outcome it cannot see: a crash-time intent in a pool that could not be listed again fails as unconfirmed", () => {
    const entry: JournalEntry = { chunk: 0, session: session("1"), intent: "act" };
    const failure: ReportedError = {
      scope: "hostPool",
      ...pool,
      code: "AuthorizationFailed",
      statusCode: 403,
      message: "no",
    };
    const resolved = resolveChunkSessions(delivery({ before: [entry], after: [entry], report: report([], [failure]) }));
    assert.deepEqual(outcomes(resolved), ["1 failed"]);
    assert.equal(resolved[0]!.error?.code, "Unconfirmed");
  });

  it("counts a session this job disconnected before a crash as disconnected, though it now lists as disconnected already", () => {
    const earlier: JournalEntry = { chunk: 0, session: session("1"), intent: "act" };
    const now: JournalEntry = { ...earlier, outcome: "alreadyDisconnected", outcomeRun: "run-2" };
    const resolved = resolveChunkSessions(delivery({ order: order("disconnect"), before: [earlier], after: [now] }));
    assert.deepEqual(outcomes(resolved), ["1 disconnected"]);
  });

  it("keeps an earlier delivery's outcome, and reports a session messaged and then gone before the action as already gone", () => {
    const done: JournalEntry = {
      chunk: 0,
      session: session("1"),
      intent: "act",
      outcome: "signedOut",
      outcomeRun: "run-1",
    };
    const notified: JournalEntry = {
      chunk: 0,
      session: session("2"),
      intent: "notify",
      outcome: "pendingAction",
      notification: "sent",
    };
    const resolved = resolveChunkSessions(delivery({ before: [done, notified], after: [done, notified] }));
    assert.deepEqual(outcomes(resolved), ["1 signedOut", "2 alreadyGone"]);
    assert.equal(resolved.find((s) => s.sessionId === "2")!.notification, "sent");
  });

  it("lists every session once, even when the journal and this delivery's report both hold it", () => {
    const entry: JournalEntry = {
      chunk: 0,
      session: session("1"),
      intent: "act",
      outcome: "signedOut",
      outcomeRun: "run-2",
    };
    const fresh: SessionResult = { ...session("1"), outcome: "signedOut", upstreamStatus: 204 };
    const other: SessionResult = { ...session("9", "HP-2"), outcome: "signedOut" };
    const resolved = resolveChunkSessions(delivery({ after: [entry], report: report([fresh, other]) }));
    assert.deepEqual(outcomes(resolved), ["1 signedOut", "9 signedOut"]);
  });
});

describe("a session an earlier delivery acted on, not listed by this one", () => {
  const acted: JournalEntry = {
    chunk: 0,
    session: session("1"),
    intent: "act",
    outcome: "signedOut",
    upstreamStatus: 204,
    outcomeRun: "run-1",
  };

  it("is verified by this delivery's listing when the job verifies (the earlier one was killed verifying)", () => {
    const resolved = resolveChunkSessions(delivery({ before: [acted], after: [acted], order: order("logoff", true) }));
    assert.deepEqual(outcomes(resolved), ["1 signedOut"]);
    assert.equal(resolved[0]!.verified, true);
  });

  it("keeps the verification another delivery recorded, and claims none when the job does not verify", () => {
    const verified = resolveChunkSessions(delivery({ after: [{ ...acted, verified: true }] }));
    assert.equal(verified[0]!.verified, true);
    const unverified = resolveChunkSessions(delivery({ after: [acted] }));
    assert.equal(unverified[0]!.verified, undefined);
  });
});

describe("closing a chunk without a run (deadline, poison, a refusal) from its journal", () => {
  const signedOut: JournalEntry = {
    chunk: 0,
    session: session("1"),
    intent: "act",
    outcome: "signedOut",
    upstreamStatus: 204,
    verified: true,
    outcomeRun: "run-1",
  };
  const underWay: JournalEntry = { chunk: 0, session: session("2"), intent: "act" };
  const notified: JournalEntry = {
    chunk: 0,
    session: session("3"),
    intent: "notify",
    outcome: "pendingAction",
    notification: "sent",
  };

  it("keeps every outcome a delivery recorded, and calls an action without one unknown, a notice without one not acted on", () => {
    const closed = closeChunkSessions([signedOut, underWay, notified], {
      status: "failed",
      reason: "MessageFailedRepeatedly",
    });
    assert.deepEqual(
      closed.map(
        (s) => `${s.sessionId} ${s.outcome} ${s.error?.code ?? "-"} ${s.verified === true ? "verified" : "-"}`,
      ),
      ["1 signedOut - verified", "2 failed OutcomeUnknown -", "3 failed NotActedOn -"],
    );
    assert.match(closed[1]!.error!.message, /MessageFailedRepeatedly.*unknown/);
    assert.equal(closed[2]!.notification, "sent", "the notice that was sent stays reported");
  });

  it("marks what the deadline cut short deadlineExceeded", () => {
    const closed = closeChunkSessions([signedOut, underWay], {
      status: "deadlineExceeded",
      reason: "the job's deadline passed",
    });
    assert.deepEqual(
      closed.map((s) => `${s.sessionId} ${s.outcome}`),
      ["1 signedOut", "2 deadlineExceeded"],
    );
  });

  it("builds a result whose counts, users' counts and problem sessions agree, every user taking the closing's status", () => {
    const closing = { status: "failed", reason: "ProtectedAccount" } as const;
    const sessions = closeChunkSessions([signedOut, underWay], closing);
    const result = closedChunkResult(
      { mode: "logoff", users: [{ userPrincipalName: "Alice@Contoso.com" }, { userPrincipalName: "bob@contoso.com" }] },
      sessions,
      closing,
    );
    assert.equal(result.status, "failed");
    assert.deepEqual(
      [result.counts.sessionsFound, result.counts.signedOut, result.counts.failed, result.counts.verified],
      [2, 1, 1, 1],
    );
    assert.deepEqual(
      result.users.map((user) => [
        user.userPrincipalName,
        user.status,
        user.counts.sessionsFound,
        user.counts.signedOut,
      ]),
      [
        ["Alice@Contoso.com", "failed", 2, 1],
        ["bob@contoso.com", "failed", 0, 0],
      ],
    );
    assert.deepEqual(
      result.problemSessions.map((s) => s.sessionId),
      ["2"],
    );
    assert.equal(result.problemSessionCount, 1);
  });
});
