import { msToSeconds } from "../base/duration";
import { naturalCompare } from "../base/naturalCompare";
import type { HostPoolSelector } from "./hostPoolSelector";
import type { SignOutOrder } from "./signOutOrder";
import type { SignOutMode } from "./signOutMode";
import type {
  ListingStrategy,
  NotificationOutcome,
  ReportedError,
  SessionOutcome,
  SessionResult,
  SignOutCounts,
  SignOutReport,
  SignOutStatus,
  UserReport,
} from "./signOutReport";
import { sessionKey } from "./sessionKey";
import { userPrincipalNameKey } from "../base/userPrincipalName";

/** Everything one request learnt and did, as data; the report is a function of it. */
export interface RequestOutcome {
  readonly subscriptionIds: readonly string[];
  readonly strategy: ListingStrategy;
  readonly selectors: readonly HostPoolSelector[] | undefined;
  readonly selectorsMatched: ReadonlySet<number>;
  readonly hostPoolsScanned: number;
  readonly sessions: readonly SessionResult[];
  readonly errors: readonly ReportedError[];
  readonly warnings: readonly string[];
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
}

function sortSessions(sessions: readonly SessionResult[]): SessionResult[] {
  return sessions
    .map((session) => ({
      session,
      key: sessionKey(session),
    }))
    .sort((a, b) => naturalCompare(a.key, b.key))
    .map((entry) => entry.session);
}

function decideStatus(errors: readonly ReportedError[], sessions: readonly SessionResult[]): SignOutStatus {
  const deadlineHit =
    errors.some((error) => error.code === "DeadlineExceeded") ||
    sessions.some((session) => session.outcome === "deadlineExceeded");
  if (deadlineHit) return "deadlineExceeded";
  const sessionFailed = sessions.some((session) => session.outcome === "failed" || session.outcome === "stillPresent");
  return errors.length > 0 || sessionFailed ? "failed" : "completed";
}

/** The counts of a report's sessions (disconnect's own counts only in mode disconnect). */
export function countSessions(
  mode: SignOutMode,
  sessions: readonly SessionResult[],
): Omit<SignOutCounts, "subscriptions" | "hostPoolsScanned"> {
  const count = (outcome: SessionOutcome): number => sessions.filter((session) => session.outcome === outcome).length;
  return {
    sessionsFound: sessions.length,
    signedOut: count("signedOut"),
    alreadyGone: count("alreadyGone"),
    wouldSignOut: count("wouldSignOut"),
    failed: count("failed"),
    deadlineExceeded: count("deadlineExceeded"),
    verified: sessions.filter((session) => session.verified === true).length,
    stillPresent: count("stillPresent"),
    ...(mode === "disconnect"
      ? {
          disconnected: count("disconnected"),
          alreadyDisconnected: count("alreadyDisconnected"),
          wouldDisconnect: count("wouldDisconnect"),
        }
      : {}),
  };
}

/** What became of the messages, over a report's sessions. */
export function countNotifications(
  sessions: readonly Pick<SessionResult, "notification">[],
): Record<NotificationOutcome, number> {
  const notified = (result: NotificationOutcome): number =>
    sessions.filter((session) => session.notification === result).length;
  return {
    sent: notified("sent"),
    failed: notified("failed"),
    notShown: notified("notShown"),
    wouldSend: notified("wouldSend"),
  };
}

/**
 * The same report over other sessions: an asynchronous chunk's sessions as its journal resolved
 * them. Users, counts and status follow the sessions; scope, errors and warnings stay.
 */
export function reportWithSessions(
  job: SignOutOrder,
  report: SignOutReport,
  sessions: readonly SessionResult[],
): SignOutReport {
  const sorted = sortSessions(sessions);
  const scopeErrors = report.errors.filter((error) => error.scope !== "session");
  return {
    ...report,
    status: decideStatus(report.errors, sorted),
    ...(report.notifications === undefined ? {} : { notifications: countNotifications(sorted) }),
    counts: { ...report.counts, ...countSessions(job.mode, sorted) },
    users: usersOf(job, sorted, scopeErrors),
    sessions: sorted,
  };
}

function usersOf(
  job: SignOutOrder,
  sessions: readonly SessionResult[],
  scopeErrors: readonly ReportedError[],
): UserReport[] {
  return job.userPrincipalNames.map((userPrincipalName) => {
    const key = userPrincipalNameKey(userPrincipalName);
    const own = sessions.filter((session) => userPrincipalNameKey(session.userPrincipalName) === key);
    return {
      userPrincipalName,
      status: decideStatus(scopeErrors, own),
      counts: countSessions(job.mode, own),
      sessions: own,
    };
  });
}

export function buildReport(job: SignOutOrder, outcome: RequestOutcome): SignOutReport {
  const sessions = sortSessions(outcome.sessions);
  // A subscription or host pool that could not be read may hold any user's sessions.
  const scopeErrors = outcome.errors.filter((error) => error.scope !== "session");
  const users = usersOf(job, sessions, scopeErrors);
  const [single] = job.userPrincipalNames;
  const { requestedBy, reason, caller } = job.audit ?? {};
  return {
    operationId: job.operationId,
    ...(job.batch || single === undefined
      ? { userPrincipalNames: [...job.userPrincipalNames] }
      : { userPrincipalName: single }),
    mode: job.mode,
    dryRun: job.dryRun,
    status: decideStatus(outcome.errors, sessions),
    startedAt: new Date(outcome.startedAtMs).toISOString(),
    durationMs: Math.max(0, Math.round(outcome.finishedAtMs - outcome.startedAtMs)),
    strategy: outcome.strategy,
    scope: {
      subscriptionIds: [...outcome.subscriptionIds],
      ...(job.hostPools === undefined ? {} : { hostPools: [...job.hostPools] }),
    },
    ...(outcome.selectors === undefined
      ? {}
      : {
          hostPoolsNotFound: outcome.selectors
            .filter((_, index) => !outcome.selectorsMatched.has(index))
            .map((selector) => selector.text),
        }),
    ...(requestedBy === undefined ? {} : { requestedBy }),
    ...(reason === undefined ? {} : { reason }),
    ...(caller === undefined ? {} : { caller }),
    ...(job.notify === undefined
      ? {}
      : {
          gracePeriodSeconds: msToSeconds(job.gracePeriodMs),
          notifications: countNotifications(sessions),
        }),
    counts: {
      subscriptions: outcome.subscriptionIds.length,
      hostPoolsScanned: outcome.hostPoolsScanned,
      ...countSessions(job.mode, sessions),
    },
    users,
    sessions,
    errors: [...outcome.errors],
    ...(outcome.warnings.length === 0 ? {} : { warnings: [...outcome.warnings] }),
  };
}
