import { notifiesFirst } from "../engine/stagePlan";
import { countNotifications, countSessions } from "../engine/buildReport";
import type {
  ReportedError,
  SessionResult,
  SignOutCounts,
  SignOutReport,
  SignOutStatus,
  UserReport,
} from "../engine/signOutReport";
import type { ChunkRecord, OperationSummary } from "./operationRecord";

type SessionCounts = Omit<SignOutCounts, "subscriptions" | "hostPoolsScanned">;

/** As the synchronous report decides: the deadline first, then any failure, else completed. */
export function decideOperationStatus(
  summary: OperationSummary,
  chunks: readonly ChunkRecord[],
  now: number,
): SignOutStatus {
  const reports = chunks.flatMap((chunk) => (chunk.report === undefined ? [] : [chunk.report]));
  const unfinished = chunks.some((chunk) => chunk.state !== "done" && chunk.state !== "failed");
  if (
    chunks.some((chunk) => chunk.state === "deadlineExceeded") ||
    reports.some((report) => report.status === "deadlineExceeded") ||
    (unfinished && now >= summary.deadlineAt)
  ) {
    return "deadlineExceeded";
  }
  if (
    summary.failures.length > 0 ||
    chunks.some((chunk) => chunk.state === "failed") ||
    reports.some((report) => report.status === "failed")
  ) {
    return "failed";
  }
  return "completed";
}

function zeroCounts(mode: OperationSummary["spec"]["mode"]): SessionCounts {
  return countSessions(mode, []);
}

function addCounts(total: SessionCounts, counts: Partial<SessionCounts>): SessionCounts {
  const sum: Record<string, number> = { ...total };
  for (const [key, value] of Object.entries(counts)) {
    if (typeof value === "number" && key in sum) sum[key] = (sum[key] ?? 0) + value;
  }
  return sum as unknown as SessionCounts;
}

function dedupe(errors: readonly ReportedError[]): ReportedError[] {
  // Every chunk scans the same tenant, so a subscription or host pool that fails fails in each.
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = JSON.stringify(error);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The operation's report in the synchronous report's shape: the chunks' reports joined, users of a
 * chunk that never finished listed with its state and no sessions.
 */
export function buildOperationReport(
  summary: OperationSummary,
  chunks: readonly ChunkRecord[],
  now: number,
): SignOutReport {
  const { spec } = summary;
  const status = summary.status === "running" ? decideOperationStatus(summary, chunks, now) : summary.status;
  const reports = chunks.flatMap((chunk) => (chunk.report === undefined ? [] : [chunk.report]));
  const first = reports[0];
  const users: UserReport[] = chunks.flatMap((chunk) => {
    if (chunk.report !== undefined) return chunk.report.users;
    const userStatus: SignOutStatus = chunk.state === "failed" ? "failed" : "deadlineExceeded";
    return chunk.userPrincipalNames.map((userPrincipalName) => ({
      userPrincipalName,
      status: userStatus,
      counts: zeroCounts(spec.mode),
      sessions: [],
    }));
  });
  const sessions = reports.flatMap((report) => report.sessions);
  const allUsers = chunks.flatMap((chunk) => chunk.userPrincipalNames);
  const end = summary.completedAt ?? now;
  return {
    operationId: summary.operationId,
    ...(spec.batch ? { userPrincipalNames: allUsers } : { userPrincipalName: allUsers[0] ?? "" }),
    mode: spec.mode,
    dryRun: spec.dryRun,
    status,
    startedAt: new Date(summary.createdAt).toISOString(),
    durationMs: Math.max(0, Math.round(end - summary.createdAt)),
    strategy: first?.strategy ?? "unfilteredPerHostPool",
    scope: {
      subscriptionIds: [...spec.subscriptionIds],
      ...(spec.hostPools === undefined ? {} : { hostPools: [...spec.hostPools] }),
    },
    ...(first?.hostPoolsNotFound === undefined ? {} : { hostPoolsNotFound: first.hostPoolsNotFound }),
    ...(spec.audit?.requestedBy === undefined ? {} : { requestedBy: spec.audit.requestedBy }),
    ...(spec.audit?.reason === undefined ? {} : { reason: spec.audit.reason }),
    ...(spec.audit?.caller === undefined ? {} : { caller: spec.audit.caller }),
    ...(spec.notify === undefined
      ? {}
      : {
          gracePeriodSeconds: Math.round(spec.gracePeriodMs / 1000),
          notifications: countNotifications(sessions),
        }),
    counts: {
      subscriptions: spec.subscriptionIds.length,
      hostPoolsScanned: Math.max(0, ...reports.map((report) => report.counts.hostPoolsScanned)),
      ...countSessions(spec.mode, sessions),
    },
    users,
    sessions,
    errors: dedupe(reports.flatMap((report) => report.errors)),
  };
}

export type OperationPhase = "queued" | "notifying" | "waiting" | "signingOut";

export interface OperationProgress {
  readonly phase: OperationPhase;
  /** While a grace period runs: when the last chunk's action message becomes visible. */
  readonly waitingUntil?: string;
  readonly users: number;
  readonly chunks: {
    readonly total: number;
    readonly queued: number;
    readonly notified: number;
    readonly done: number;
    readonly failed: number;
  };
  /** Sessions handled so far, over the finished chunks. */
  readonly counts: SessionCounts;
  readonly notifications?: {
    readonly sent: number;
    readonly failed: number;
    readonly notShown: number;
    readonly wouldSend: number;
  };
}

/** Where a running operation stands, from its chunks. */
export function describeProgress(
  summary: OperationSummary,
  chunks: readonly ChunkRecord[],
  now: number,
): OperationProgress {
  const inState = (state: ChunkRecord["state"]): number => chunks.filter((chunk) => chunk.state === state).length;
  const notifiedChunks = chunks.filter((chunk) => chunk.state === "notified");
  const waitingUntil = Math.max(0, ...notifiedChunks.map((chunk) => chunk.actAfter ?? 0));
  const queued = inState("queued");
  const firstIsNotify = notifiesFirst(summary.spec);
  const phase: OperationPhase =
    queued === chunks.length
      ? firstIsNotify
        ? "notifying"
        : "queued"
      : waitingUntil > now
        ? "waiting"
        : queued > 0 && firstIsNotify
          ? "notifying"
          : "signingOut";
  const counts = chunks.reduce(
    (total, chunk) => (chunk.report === undefined ? total : addCounts(total, chunk.report.counts)),
    zeroCounts(summary.spec.mode),
  );
  const notifiedSessions = chunks.flatMap((chunk) => (chunk.report ?? chunk.notifyReport)?.sessions ?? []);
  const notifiedCount = (outcome: string): number =>
    notifiedSessions.filter((session) => session.notification === outcome).length;
  return {
    phase,
    ...(phase === "waiting" ? { waitingUntil: new Date(waitingUntil).toISOString() } : {}),
    users: summary.userCount,
    chunks: {
      total: chunks.length,
      queued,
      notified: notifiedChunks.length,
      done: inState("done"),
      failed: inState("failed") + inState("deadlineExceeded"),
    },
    counts,
    ...(summary.spec.notify === undefined
      ? {}
      : {
          notifications: {
            sent: notifiedCount("sent"),
            failed: notifiedCount("failed"),
            notShown: notifiedCount("notShown"),
            wouldSend: notifiedCount("wouldSend"),
          },
        }),
  };
}

/** When two deliveries of one message both report a session, the outcome that says the most wins. */
const outcomeRank: readonly string[] = [
  "signedOut",
  "disconnected",
  "wouldSignOut",
  "wouldDisconnect",
  "alreadyDisconnected",
  "alreadyGone",
  "pendingAction",
  "deadlineExceeded",
  "failed",
];

function sessionKeyOf(session: SessionResult): string {
  return [session.subscriptionId, session.hostPool, session.sessionHost, session.sessionId].join("/").toLowerCase();
}

function mergeSessions(a: readonly SessionResult[], b: readonly SessionResult[]): SessionResult[] {
  const byKey = new Map<string, SessionResult>();
  for (const session of [...a, ...b]) {
    const key = sessionKeyOf(session);
    const known = byKey.get(key);
    if (known === undefined || outcomeRank.indexOf(session.outcome) < outcomeRank.indexOf(known.outcome)) {
      byKey.set(
        key,
        known?.notification !== undefined && session.notification === undefined
          ? { ...session, notification: known.notification }
          : session,
      );
    }
  }
  return [...byKey.values()];
}

/**
 * Two deliveries of one chunk's message ran at once (at-least-once delivery): the one that listed
 * later saw fewer sessions, as the other had removed some. The chunk keeps the union, so that no
 * session the job handled is missing from its report.
 */
export function mergeChunkReports(
  stored: SignOutReport,
  mine: SignOutReport,
  mode: OperationSummary["spec"]["mode"],
): SignOutReport {
  const better = stored.status === "completed" || mine.status !== "completed" ? stored : mine;
  const sessions = mergeSessions(stored.sessions, mine.sessions);
  const mineUsers = new Map(mine.users.map((user) => [user.userPrincipalName, user]));
  const users = stored.users.map((user) => {
    const other = mineUsers.get(user.userPrincipalName);
    if (other === undefined) return user;
    const merged = mergeSessions(user.sessions, other.sessions);
    return {
      ...user,
      status: user.status === "completed" || other.status === "completed" ? ("completed" as const) : user.status,
      counts: countSessions(mode, merged),
      sessions: merged,
    };
  });
  return {
    ...better,
    counts: { ...better.counts, ...countSessions(mode, sessions) },
    users,
    sessions,
  };
}
