import { msToSeconds } from "../base/duration";
import type { OperationPhase, OperationProgress } from "./operationProgress";
import { notifiesFirst } from "../engine/stagePlan";
import {
  addCounts,
  countSessions,
  distinctErrors,
  requestedNames,
  sessionWithOutcome,
  sessionsOfUsers,
  sortSessions,
  userSummary,
  type ReportedError,
  type SessionResult,
  type SignOutReport,
  type SignOutStatus,
} from "../engine/report";
import { decideOperationStatus } from "./operationStatus";
import type {
  ChunkRecord,
  CompactUser,
  JournalEntry,
  NotificationCounts,
  OperationSummary,
  SessionCounts,
} from "./operationRecord";

/** Operations with more users than this answer compactly unless the full list is asked for. */
export const compactAboveUsers = 100;

const noNotifications: NotificationCounts = { sent: 0, failed: 0, notShown: 0, wouldSend: 0 };

function notificationsOf(chunks: readonly ChunkRecord[]): NotificationCounts {
  return chunks.reduce(
    (total, chunk) => addCounts(total, chunk.result?.notifications ?? chunk.notified ?? {}),
    noNotifications,
  );
}

/** Where a running operation stands, from its chunk entities alone (no journal read). */
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
  return {
    phase,
    ...(phase === "waiting" ? { waitingUntil: new Date(waitingUntil).toISOString() } : {}),
    users: summary.userCount,
    chunks: {
      total: summary.chunkCount,
      queued,
      notified: notifiedChunks.length,
      done: inState("done"),
      failed: inState("failed") + inState("deadlineExceeded"),
    },
    counts: chunks.reduce(
      (total, chunk) => (chunk.result === undefined ? total : addCounts(total, chunk.result.counts)),
      countSessions(summary.spec.mode, []),
    ),
    ...(summary.spec.notify === undefined ? {} : { notifications: notificationsOf(chunks) }),
  };
}

/** A journal entry as the report shows it: its outcome as the chunk's delivery resolved it. */
export function journalSession(entry: JournalEntry): SessionResult {
  return sessionWithOutcome(entry.session, { ...entry, outcome: entry.outcome ?? "deadlineExceeded" });
}

function usersOf(summary: OperationSummary, chunks: readonly ChunkRecord[]): CompactUser[] {
  return chunks.flatMap((chunk) => {
    if (chunk.result !== undefined) return chunk.result.users;
    const status: SignOutStatus = chunk.state === "failed" ? "failed" : "deadlineExceeded";
    return chunk.users.map((user) => userSummary(user, status, countSessions(summary.spec.mode, [])));
  });
}

function chunkErrors(chunks: readonly ChunkRecord[]): ReportedError[] {
  return distinctErrors(chunks.flatMap((chunk) => chunk.result?.errors ?? []));
}

function userWithSessions(
  mode: OperationSummary["spec"]["mode"],
  user: CompactUser,
  sessions: SessionResult[],
): SignOutReport["users"][number] {
  return { ...user, counts: countSessions(mode, sessions), sessions };
}

/** Counts without their zeros: a compact user's entry says only what happened. */
function nonZero(counts: SessionCounts): Partial<SessionCounts> {
  return Object.fromEntries(Object.entries(counts).filter(([, value]) => value !== 0));
}

export interface OperationReportOptions {
  /** The whole operation's journal: the full answer lists every session. Absent: the compact answer. */
  readonly journal?: readonly JournalEntry[] | undefined;
}

/** A user in the compact answer: status and the counts that are not zero. */
export interface CompactUserView {
  readonly userPrincipalName?: string | undefined;
  readonly objectId?: string | undefined;
  readonly status: SignOutStatus;
  readonly counts: Partial<SessionCounts>;
}

export type OperationReport = Omit<SignOutReport, "users"> & {
  readonly detail: "full" | "compact";
  readonly users: Array<SignOutReport["users"][number] | CompactUserView>;
  /** Compact answer: sessions that failed or could not be confirmed not listed for want of room. */
  readonly sessionsNotListed?: number;
};

/**
 * The operation's report in the synchronous report's shape. Full: every session, from the
 * journal. Compact (large operations): counts, each user's status and non-zero counts, and every
 * session that failed or could not be confirmed (up to each chunk's bound).
 */
export function buildOperationReport(
  summary: OperationSummary,
  chunks: readonly ChunkRecord[],
  now: number,
  options: OperationReportOptions = {},
): OperationReport {
  const { spec } = summary;
  const status = summary.status === "running" ? decideOperationStatus(summary, chunks, now) : summary.status;
  const results = chunks.flatMap((chunk) => (chunk.result === undefined ? [] : [chunk.result]));
  // A chunk closed without a run (deadline, poison) scanned nothing: the scan's facts come from one that ran.
  const first = results.find((result) => result.hostPoolsScanned > 0) ?? results[0];
  const users = usersOf(summary, chunks);
  const allUsers = chunks.flatMap((chunk) => chunk.users);
  const fromResults = results.reduce((total, result) => addCounts(total, result.counts), countSessions(spec.mode, []));
  const end = summary.completedAt ?? now;
  const full = options.journal !== undefined;
  const sessions = full
    ? sortSessions(options.journal.map(journalSession))
    : results.flatMap((result) => result.problemSessions);
  const owned = full ? sessionsOfUsers(users, sessions) : [];
  // The full answer counts what it lists, so its counts and sessions agree whatever order two
  // deliveries of one chunk wrote in.
  const counts = full ? countSessions(spec.mode, sessions) : fromResults;
  const notListed = results.reduce(
    (total, result) => total + result.problemSessionCount - result.problemSessions.length,
    0,
  );
  return {
    operationId: summary.operationId,
    ...(spec.batch && !full ? {} : requestedNames({ users: allUsers, batch: spec.batch })),
    mode: spec.mode,
    dryRun: spec.dryRun,
    status,
    detail: full ? "full" : "compact",
    startedAt: new Date(summary.createdAt).toISOString(),
    durationMs: Math.max(0, Math.round(end - summary.createdAt)),
    strategy: first?.strategy ?? "unfilteredPerHostPool",
    scope: {
      subscriptionIds: [...spec.subscriptionIds],
      ...(spec.hostPools === undefined ? {} : { hostPools: [...spec.hostPools] }),
    },
    ...(first?.hostPoolsNotFound === undefined ? {} : { hostPoolsNotFound: [...first.hostPoolsNotFound] }),
    ...(spec.audit?.requestedBy === undefined ? {} : { requestedBy: spec.audit.requestedBy }),
    ...(spec.audit?.reason === undefined ? {} : { reason: spec.audit.reason }),
    ...(spec.audit?.caller === undefined ? {} : { caller: spec.audit.caller }),
    ...(spec.notify === undefined
      ? {}
      : { gracePeriodSeconds: msToSeconds(spec.gracePeriodMs), notifications: notificationsOf(chunks) }),
    counts: {
      subscriptions: spec.subscriptionIds.length,
      hostPoolsScanned: Math.max(0, ...results.map((result) => result.hostPoolsScanned)),
      ...counts,
    },
    users: users.map((user, index): SignOutReport["users"][number] | CompactUserView =>
      full ? userWithSessions(spec.mode, user, owned[index] ?? []) : { ...user, counts: nonZero(user.counts) },
    ),
    sessions,
    ...(full || notListed === 0 ? {} : { sessionsNotListed: notListed }),
    errors: chunkErrors(chunks),
  };
}
