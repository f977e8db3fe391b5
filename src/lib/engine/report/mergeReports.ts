import type { RequestedUser } from "../requestedUser";
import type {
  NotificationOutcome,
  ReportedError,
  SessionOutcome,
  SessionResult,
  SignOutCounts,
  SignOutStatus,
  UserReport,
} from "./signOutReport";

// What the asynchronous path needs to put a report together from pieces: chunks that each report
// on their own users, and sessions whose outcomes a journal recorded apart from the listing.

export type SessionCounts = Omit<SignOutCounts, "subscriptions" | "hostPoolsScanned">;
export type NotificationCounts = Record<NotificationOutcome, number>;

/** Counts (of sessions, of notifications) added key by key; a key absent from `counts` adds nothing. */
export function addCounts<T extends object>(total: T, counts: Partial<T>): T {
  const sum: Record<string, number> = { ...(total as Record<string, number>) };
  for (const [key, value] of Object.entries(counts)) {
    if (typeof value === "number") sum[key] = (sum[key] ?? 0) + value;
  }
  return sum as T;
}

/** Errors several pieces reported alike, once: every chunk scans the same tenant, so a subscription or host pool that fails fails in each. */
export function distinctErrors(errors: readonly ReportedError[]): ReportedError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = JSON.stringify(error);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A user's entry without their sessions: the keys the request named them by, status and counts. */
export type UserSummary = Omit<UserReport, "sessions">;

/** The one builder of a user's entry without sessions (a chunk's result, the compact answer). */
export function userSummary(user: RequestedUser, status: SignOutStatus, counts: SessionCounts): UserSummary {
  return {
    ...(user.userPrincipalName === undefined ? {} : { userPrincipalName: user.userPrincipalName }),
    ...(user.objectId === undefined ? {} : { objectId: user.objectId }),
    status,
    counts,
  };
}

/** A session as listed, before anything was done to it. */
export type ListedSessionResult = Omit<
  SessionResult,
  "outcome" | "error" | "upstreamStatus" | "notification" | "notificationError" | "verified"
>;

/** What became of a session, as a journal or a later listing establishes it. */
export interface SessionOutcomeFields {
  readonly outcome: SessionOutcome;
  readonly error?: SessionResult["error"];
  readonly upstreamStatus?: number | undefined;
  readonly notification?: SessionResult["notification"];
  readonly notificationError?: SessionResult["notificationError"];
  readonly verified?: boolean | undefined;
  readonly sessionHostStatus?: string | undefined;
}

/** A listed session with its outcome: the one way a merge puts a session's result together (absent fields stay absent). */
export function sessionWithOutcome(session: ListedSessionResult, fields: SessionOutcomeFields): SessionResult {
  return {
    ...session,
    outcome: fields.outcome,
    ...(fields.error === undefined ? {} : { error: fields.error }),
    ...(fields.upstreamStatus === undefined ? {} : { upstreamStatus: fields.upstreamStatus }),
    ...(fields.verified === true ? { verified: true } : {}),
    ...(fields.sessionHostStatus === undefined ? {} : { sessionHostStatus: fields.sessionHostStatus }),
    ...(fields.notification === undefined ? {} : { notification: fields.notification }),
    ...(fields.notificationError === undefined ? {} : { notificationError: fields.notificationError }),
  };
}

const problemOutcomes: ReadonlySet<SessionOutcome> = new Set([
  "failed",
  "deadlineExceeded",
  "stillPresent",
  "protected",
]);

/** A session that failed or could not be confirmed (or whose message failed): what a compact answer still lists. */
export function isProblem(session: SessionResult): boolean {
  return problemOutcomes.has(session.outcome) || session.notification === "failed";
}
