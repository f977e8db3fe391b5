import type { ActionJournal } from "./actionJournal";
import { deadlineSignal, type Clock } from "../base/clock";
import type { AvdArm } from "../azure/avdClient";
import type { SessionActionResult } from "../azure/sessionActions";
import { toUpstreamError, type UpstreamError } from "../azure/upstreamError";
import type { MatchedSession } from "./matchSessions";
import type { PoolActivityLock } from "./poolActivityLock";
import { hostPoolKey } from "./sharedScan";
import type { SignOutOrder } from "./signOutOrder";
import type { NotificationOutcome, SessionOutcome, SessionResult } from "./report/signOutReport";

export interface ActDependencies {
  readonly arm: AvdArm;
  readonly lock: PoolActivityLock;
  readonly clock: Clock;
  readonly journal?: ActionJournal | undefined;
}

interface Notified {
  readonly notification?: NotificationOutcome;
  readonly notificationError?: UpstreamError;
}

export function sessionResult(
  session: MatchedSession,
  outcome: SessionOutcome,
  notified: Notified,
  extra: { error?: UpstreamError; upstreamStatus?: number } = {},
): SessionResult {
  return {
    ...session.ref,
    userPrincipalName: session.userPrincipalName,
    ...(session.objectId === undefined ? {} : { objectId: session.objectId }),
    matchedBy: session.matchedBy,
    sessionState: session.sessionState,
    outcome,
    ...extra,
    ...notified,
  };
}

function hasState(session: MatchedSession, state: string): boolean {
  return session.sessionState.toLowerCase() === state.toLowerCase();
}

/**
 * One request's work in one host pool, after its listing: the message (only an Active session has
 * a desktop to show it on), the grace period if a message was delivered, then one action per
 * session. Deletes hold the pool against listings (see `PoolActivityLock`). `untouched` are the
 * sessions found but left alone (another account's, a protected one's): reported, and journaled
 * with the rest so that an asynchronous report lists them too.
 */
export async function actOnHostPool(
  job: SignOutOrder,
  sessions: readonly MatchedSession[],
  dependencies: ActDependencies,
  signal: AbortSignal,
  untouched: readonly SessionResult[] = [],
): Promise<SessionResult[]> {
  if (sessions.length === 0 && untouched.length === 0) return [];
  const { journal } = dependencies;
  if (journal !== undefined && !job.dryRun && sessions.length > 0) {
    try {
      await journal.beforeActing(sessions);
    } catch {
      // Nothing is touched that the journal does not know of: a retry acts on these.
      const error = {
        code: "JournalUnavailable",
        statusCode: undefined,
        message: "The job's journal could not be written before acting; the session was not touched.",
      };
      return [...sessions.map((session) => sessionResult(session, "failed", {}, { error })), ...untouched];
    }
  }
  const results = [
    ...(sessions.length === 0 ? [] : await actOnMatched(job, sessions, dependencies, signal)),
    ...untouched,
  ];
  await journal?.afterActing(results);
  return results;
}

async function actOnMatched(
  job: SignOutOrder,
  sessions: readonly MatchedSession[],
  dependencies: ActDependencies,
  signal: AbortSignal,
): Promise<SessionResult[]> {
  const stage = job.stage ?? "all";
  const notifications =
    job.notify !== undefined && stage !== "act"
      ? await notifySessions(job, sessions, dependencies, signal)
      : sessions.map((): Notified => ({}));
  if (stage === "notify") {
    return sessions.map((session, index) => sessionResult(session, "pendingAction", notifications[index]!));
  }
  const delivered = notifications.some((notified) => notified.notification === "sent");
  if (delivered && job.gracePeriodMs > 0) {
    try {
      await dependencies.clock.sleep(job.gracePeriodMs, signal);
    } catch (error) {
      // Only the deadline ends the wait early; then nothing is touched and a retry finishes the job.
      const upstream = toUpstreamError(error);
      return sessions.map((session, index) =>
        sessionResult(session, "deadlineExceeded", notifications[index]!, { error: upstream }),
      );
    }
  }
  return Promise.all(
    sessions.map((session, index) => actOnSession(job, session, notifications[index]!, dependencies, signal)),
  );
}

/**
 * A message is a courtesy: one that keeps failing (the pipeline retries until the deadline) must
 * not hold the sign-out back, so messages get at most this long before they count as failed.
 */
export const notifyTimeoutMs = 10_000;

async function notifySessions(
  job: SignOutOrder,
  sessions: readonly MatchedSession[],
  dependencies: ActDependencies,
  signal: AbortSignal,
): Promise<Notified[]> {
  const cap = deadlineSignal(dependencies.clock, notifyTimeoutMs);
  const notifySignal = AbortSignal.any([signal, cap.signal]);
  try {
    return await Promise.all(sessions.map((session) => notifySession(job, session, dependencies, notifySignal)));
  } finally {
    cap.dispose();
  }
}

async function notifySession(
  job: SignOutOrder,
  session: MatchedSession,
  { arm }: ActDependencies,
  signal: AbortSignal,
): Promise<Notified> {
  if (!hasState(session, "Active")) return { notification: "notShown" };
  if (job.dryRun || job.notify === undefined) return { notification: "wouldSend" };
  const result = await arm.runSessionAction(
    session.ref,
    { kind: "sendMessage", title: job.notify.title, message: job.notify.message },
    signal,
  );
  return result.kind === "done"
    ? { notification: "sent" }
    : {
        notification: "failed",
        notificationError:
          result.kind === "failed"
            ? result.error
            : { code: "404", statusCode: result.statusCode, message: "User session does not exist." },
      };
}

async function actOnSession(
  job: SignOutOrder,
  session: MatchedSession,
  notified: Notified,
  { arm, lock }: ActDependencies,
  signal: AbortSignal,
): Promise<SessionResult> {
  const disconnect = job.mode === "disconnect";
  if (disconnect && hasState(session, "Disconnected")) return sessionResult(session, "alreadyDisconnected", notified);
  if (job.dryRun) return sessionResult(session, disconnect ? "wouldDisconnect" : "wouldSignOut", notified);
  let result: SessionActionResult;
  if (disconnect) {
    result = await arm.runSessionAction(session.ref, { kind: "disconnect" }, signal);
  } else {
    try {
      result = await lock.run(
        hostPoolKey(session.ref),
        "deleting",
        () => arm.runSessionAction(session.ref, { kind: "delete" }, signal),
        signal,
      );
    } catch (error) {
      result = { kind: "failed", error: toUpstreamError(error) };
    }
  }
  if (result.kind === "done") {
    return sessionResult(session, disconnect ? "disconnected" : "signedOut", notified, {
      upstreamStatus: result.statusCode,
    });
  }
  if (result.kind === "notFound") {
    return sessionResult(session, "alreadyGone", notified, { upstreamStatus: result.statusCode });
  }
  const outcome: SessionOutcome = result.error.code === "DeadlineExceeded" ? "deadlineExceeded" : "failed";
  return sessionResult(session, outcome, notified, { error: result.error });
}
