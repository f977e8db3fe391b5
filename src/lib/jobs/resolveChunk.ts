import type { SignOutOrder } from "../engine/signOutOrder";
import {
  countNotifications,
  countSessions,
  isProblem,
  reportWithSessions,
  sessionKey,
  sessionOutcomes,
  sessionWithOutcome,
  sessionsOfUsers,
  userSummary,
  type ReportedError,
  type SessionOutcome,
  type SessionResult,
  type SignOutMode,
  type SignOutReport,
} from "../engine/report";
import { chunkResultBounds, type ChunkResult, type JournalEntry } from "./operationRecord";

/** Outcomes only an action (or a dry run of one) writes; `pendingAction` is the notify stage's. */
const actOutcomes: ReadonlySet<SessionOutcome> = new Set(
  sessionOutcomes.filter((outcome) => outcome !== "pendingAction"),
);

/** Outcomes a listing that no longer shows the session confirms (as the engine's verification does). */
const verifiable: ReadonlySet<SessionOutcome> = new Set(["signedOut", "disconnected", "alreadyGone"]);

function isActOutcome(outcome: SessionOutcome | undefined): boolean {
  return outcome !== undefined && actOutcomes.has(outcome);
}

/** An act intent from an earlier delivery whose outcome never landed: a crash between the two. */
function unresolvedAct(entry: JournalEntry | undefined): boolean {
  return entry?.intent === "act" && !isActOutcome(entry.outcome);
}

function listedWithoutError(entry: JournalEntry, errors: readonly ReportedError[]): boolean {
  const same = (a: string | undefined, b: string): boolean => a?.toLowerCase() === b.toLowerCase();
  return !errors.some(
    (error) =>
      same(error.subscriptionId, entry.session.subscriptionId) &&
      (error.scope === "subscription" ||
        (error.scope === "hostPool" &&
          same(error.resourceGroup, entry.session.resourceGroup) &&
          same(error.hostPool, entry.session.hostPool))),
  );
}

export interface ChunkDelivery {
  readonly order: SignOutOrder;
  /** What this delivery's engine run reported. */
  readonly report: SignOutReport;
  /** The chunk's journal as this delivery found it, before acting. */
  readonly before: readonly JournalEntry[];
  /** The chunk's journal after this delivery acted. */
  readonly after: readonly JournalEntry[];
  /** This delivery's id, as its outcomes carry it. */
  readonly run: string;
}

type Resolved = Pick<SessionResult, "outcome" | "error" | "upstreamStatus" | "verified">;

function resolveOutcome(
  entry: JournalEntry,
  earlier: JournalEntry | undefined,
  fresh: SessionResult | undefined,
  delivery: ChunkDelivery,
): Resolved {
  const disconnect = delivery.order.mode === "disconnect";
  if (entry.outcomeRun === delivery.run && entry.outcome !== undefined) {
    // Listed in this delivery: what it found (and verified) is the truth, except that a session
    // this job had already disconnected before a crash now lists as disconnected.
    if (disconnect && entry.outcome === "alreadyDisconnected" && unresolvedAct(earlier)) {
      return { outcome: "disconnected" };
    }
    const result = fresh ?? entry;
    return {
      outcome: result.outcome ?? entry.outcome,
      error: result.error,
      upstreamStatus: result.upstreamStatus,
      verified: result.verified,
    };
  }
  if (!listedWithoutError(entry, delivery.report.errors)) {
    if (isActOutcome(entry.outcome) && entry.outcome !== undefined) {
      return {
        outcome: entry.outcome,
        error: entry.error,
        upstreamStatus: entry.upstreamStatus,
        verified: entry.verified,
      };
    }
    return {
      outcome: "failed",
      error: {
        code: "Unconfirmed",
        statusCode: undefined,
        message: "Acted on before a restart; its host pool could not be listed again to confirm the outcome.",
      },
    };
  }
  // Listed again without it: the session is gone.
  if (entry.intent === "act" && (!isActOutcome(entry.outcome) || entry.outcome === "stillPresent")) {
    // This job's action was under way when a delivery died: confirmed gone by the listing.
    return disconnect
      ? { outcome: "alreadyGone" }
      : { outcome: "signedOut", ...(delivery.order.verify === true ? { verified: true } : {}) };
  }
  if (isActOutcome(entry.outcome) && entry.outcome !== undefined) {
    // Acted on by an earlier delivery (killed during its verification, or running beside this one):
    // this delivery's listing, made after that action, is its verification.
    const confirmed = entry.verified === true || (delivery.order.verify === true && verifiable.has(entry.outcome));
    return {
      outcome: entry.outcome,
      error: entry.error,
      upstreamStatus: entry.upstreamStatus,
      ...(confirmed ? { verified: true } : {}),
    };
  }
  // Messaged (or about to be), then gone before the action: the user left on their own.
  return { outcome: "alreadyGone" };
}

/**
 * Every session a chunk's deliveries touched, exactly once (keyed by the session's full key),
 * with the outcome the journal and this delivery's listings establish together.
 */
export function resolveChunkSessions(delivery: ChunkDelivery): SessionResult[] {
  const earlier = new Map(delivery.before.map((entry) => [sessionKey(entry.session), entry]));
  const fresh = new Map(delivery.report.sessions.map((session) => [sessionKey(session), session]));
  const byKey = new Map<string, SessionResult>();
  for (const entry of delivery.after) {
    const key = sessionKey(entry.session);
    const resolved = resolveOutcome(entry, earlier.get(key), fresh.get(key), delivery);
    byKey.set(
      key,
      sessionWithOutcome(entry.session, {
        ...resolved,
        sessionHostStatus: fresh.get(key)?.sessionHostStatus,
        notification: entry.notification,
        notificationError: entry.notificationError,
      }),
    );
  }
  // A result the journal lacks cannot happen when its writes succeed; kept so none is ever lost.
  for (const session of delivery.report.sessions) {
    if (!byKey.has(sessionKey(session))) byKey.set(sessionKey(session), session);
  }
  return [...byKey.values()];
}

/** The chunk's report over its resolved sessions. */
export function resolveChunkReport(delivery: ChunkDelivery): SignOutReport {
  return reportWithSessions(delivery.order, delivery.report, resolveChunkSessions(delivery));
}

/** How a chunk ends when no run of its own lists its sessions again: the poison queue, a refusal, the deadline. */
export interface ChunkClosing {
  readonly status: "failed" | "deadlineExceeded";
  /** Why, as the sessions' errors say it. */
  readonly reason: string;
}

/**
 * Every session a chunk's journal holds, for a chunk that ends without a listing: an outcome any
 * delivery recorded keeps its value; a session without one is a failure (or, at the deadline,
 * `deadlineExceeded`) that says what is known: an action was under way and its outcome is unknown,
 * or nothing was done to it.
 */
export function closeChunkSessions(entries: readonly JournalEntry[], closing: ChunkClosing): SessionResult[] {
  return entries.map((entry): SessionResult => {
    if (isActOutcome(entry.outcome) && entry.outcome !== undefined) {
      return sessionWithOutcome(entry.session, { ...entry, outcome: entry.outcome });
    }
    const error =
      entry.intent === "act"
        ? {
            code: "OutcomeUnknown",
            statusCode: undefined,
            message: `An action on this session was under way when the chunk ended (${closing.reason}); whether it landed is unknown.`,
          }
        : {
            code: "NotActedOn",
            statusCode: undefined,
            message: `Not acted on: the chunk ended (${closing.reason}) before the action.`,
          };
    return sessionWithOutcome(entry.session, {
      outcome: closing.status,
      error,
      notification: entry.notification,
      notificationError: entry.notificationError,
    });
  });
}

type ResultParts = Omit<ChunkResult, "problemSessions" | "problemSessionCount" | "errorCount" | "counts"> & {
  readonly mode: SignOutMode;
  readonly sessions: readonly SessionResult[];
};

/** The bounded shape: counts over every session, the problems and errors up to their bounds. */
function boundedResult(parts: ResultParts): ChunkResult {
  const { mode, sessions, errors, warnings, ...rest } = parts;
  const problems = sessions.filter(isProblem);
  return {
    ...rest,
    counts: countSessions(mode, sessions),
    problemSessions: problems.slice(0, chunkResultBounds.problemSessions),
    problemSessionCount: problems.length,
    errors: errors.slice(0, chunkResultBounds.errors),
    errorCount: errors.length,
    warnings: warnings.slice(0, chunkResultBounds.warnings),
  };
}

/** A chunk that a run finished, in its bounded shape (see `chunkResultBounds`). */
export function toChunkResult(report: SignOutReport): ChunkResult {
  return boundedResult({
    mode: report.mode,
    sessions: report.sessions,
    status: report.status,
    strategy: report.strategy,
    hostPoolsScanned: report.counts.hostPoolsScanned,
    hostPoolsNotFound: report.hostPoolsNotFound,
    notifications: report.notifications,
    users: report.users.map((user) => userSummary(user, user.status, user.counts)),
    errors: report.errors,
    warnings: report.warnings ?? [],
  });
}

/** A chunk closed without a run (see `closeChunkSessions`): every user takes the closing's status. */
export function closedChunkResult(
  order: Pick<SignOutOrder, "mode" | "notify" | "users">,
  sessions: readonly SessionResult[],
  closing: ChunkClosing,
): ChunkResult {
  const owned = sessionsOfUsers(order.users, sessions);
  return boundedResult({
    mode: order.mode,
    sessions,
    status: closing.status,
    strategy: "unfilteredPerHostPool",
    hostPoolsScanned: 0,
    notifications: order.notify === undefined ? undefined : countNotifications(sessions),
    users: order.users.map((user, index) =>
      userSummary(user, closing.status, countSessions(order.mode, owned[index] ?? [])),
    ),
    errors: [],
    warnings: [],
  });
}
