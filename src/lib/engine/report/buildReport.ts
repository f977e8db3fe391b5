import { groupBy } from "../../base/groupBy";
import { msToSeconds } from "../../base/duration";
import { naturalCompare } from "../../base/naturalCompare";
import type { HostPoolSelector } from "../hostPoolSelector";
import type { SignOutOrder } from "../signOutOrder";
import type { SignOutMode } from "../signOutMode";
import type {
  ListingStrategy,
  NotificationOutcome,
  ReportedError,
  SessionOutcome,
  SessionResult,
  SignOutReport,
  UserReport,
} from "./signOutReport";
import { sessionKey } from "./sessionKey";
import { decideStatus } from "./reportStatus";
import { userSummary, type NotificationCounts, type SessionCounts } from "./mergeReports";
import { matchRequestedUser, type RequestedUser } from "../requestedUser";
import { userPrincipalNameKey } from "../../base/userPrincipalName";
import { accountObjectIdKey, objectIdKey } from "../../base/objectId";

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

/** The one order of sessions in every report, synchronous or asynchronous: natural, by every segment of the session's key (sh-9 before sh-10). */
export function sortSessions(sessions: readonly SessionResult[]): SessionResult[] {
  return sessions
    .map((session) => ({
      session,
      key: sessionKey(session),
    }))
    .sort((a, b) => naturalCompare(a.key, b.key))
    .map((entry) => entry.session);
}

/** The counts of a report's sessions (disconnect's own counts only in mode disconnect). */
export function countSessions(mode: SignOutMode, sessions: readonly SessionResult[]): SessionCounts {
  const count = (outcome: SessionOutcome): number => sessions.filter((session) => session.outcome === outcome).length;
  const otherAccount = count("otherAccount");
  const protectedSessions = count("protected");
  return {
    sessionsFound: sessions.length,
    signedOut: count("signedOut"),
    alreadyGone: count("alreadyGone"),
    wouldSignOut: count("wouldSignOut"),
    failed: count("failed"),
    deadlineExceeded: count("deadlineExceeded"),
    verified: sessions.filter((session) => session.verified === true).length,
    stillPresent: count("stillPresent"),
    ...(otherAccount === 0 ? {} : { otherAccount }),
    ...(protectedSessions === 0 ? {} : { protected: protectedSessions }),
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
export function countNotifications(sessions: readonly Pick<SessionResult, "notification">[]): NotificationCounts {
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
  const owned = sessionsOfUsers(job.users, sessions);
  return job.users.map((user, index) => {
    const own = owned[index] ?? [];
    return { ...userSummary(user, decideStatus(scopeErrors, own), countSessions(job.mode, own)), sessions: own };
  });
}

/**
 * A user's sessions in the report: those the matching rule gives them, and another account's
 * session under their UPN when that is what the engine reported it as.
 */
function belongsTo(user: RequestedUser, session: SessionResult): boolean {
  const match = matchRequestedUser(user, session);
  return match !== undefined && (match !== "otherAccount" || session.outcome === "otherAccount");
}

/**
 * Each user's sessions, in the order given, found through indexes rather than by comparing every
 * pair: an asynchronous operation's full answer holds thousands of users and sessions.
 */
export function sessionsOfUsers(
  users: readonly RequestedUser[],
  sessions: readonly SessionResult[],
): SessionResult[][] {
  const byUserPrincipalName = groupBy(sessions, (session) => userPrincipalNameKey(session.userPrincipalName));
  const byObjectId = groupBy(sessions, (session) => accountObjectIdKey(session.objectId));
  const position = new Map(sessions.map((session, index) => [session, index]));
  return users.map((user) => {
    const candidates = new Set([
      ...(user.userPrincipalName === undefined
        ? []
        : (byUserPrincipalName.get(userPrincipalNameKey(user.userPrincipalName)) ?? [])),
      ...(user.objectId === undefined ? [] : (byObjectId.get(objectIdKey(user.objectId)) ?? [])),
    ]);
    // In the order of `sessions` (the report's).
    return [...candidates]
      .filter((session) => belongsTo(user, session))
      .sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
  });
}

/** How a report names the requested users at its top (users[] names each, always). */
export function requestedNames(
  job: Pick<SignOutOrder, "users" | "batch">,
): Pick<SignOutReport, "userPrincipalName" | "userObjectId" | "userPrincipalNames"> {
  const [single] = job.users;
  if (!job.batch && single !== undefined && job.users.length === 1) {
    return {
      ...(single.userPrincipalName === undefined ? {} : { userPrincipalName: single.userPrincipalName }),
      ...(single.objectId === undefined ? {} : { userObjectId: single.objectId }),
    };
  }
  if (job.users.some((user) => user.objectId !== undefined || user.userPrincipalName === undefined)) return {};
  return { userPrincipalNames: job.users.flatMap((user) => user.userPrincipalName ?? []) };
}

export function buildReport(job: SignOutOrder, outcome: RequestOutcome): SignOutReport {
  const sessions = sortSessions(outcome.sessions);
  // A subscription or host pool that could not be read may hold any user's sessions.
  const scopeErrors = outcome.errors.filter((error) => error.scope !== "session");
  const users = usersOf(job, sessions, scopeErrors);
  const { requestedBy, reason, caller } = job.audit ?? {};
  return {
    operationId: job.operationId,
    ...requestedNames(job),
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
