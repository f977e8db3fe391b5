import { parseUserSessionId, sameHostPool, type HostPoolRef, type UserSessionRef } from "../azure/armResourceId";
import { sessionKeyInHostPool } from "./report/sessionKey";
import type { ListedSession } from "../azure/listingPage";
import type { ReportedError } from "./report/signOutReport";
import type { ProtectedAccounts } from "./findProtectedAccounts";
import { isProtectedSession } from "./findProtectedAccounts";
import { candidateUsers, strongestMatch, type UserIndex } from "./requestedUser";
import type { SessionListing } from "./sharedScan";

export interface MatchedSession {
  readonly ref: UserSessionRef;
  /** As the service stores it ("" when it sent none: a session found by its object id alone). */
  readonly userPrincipalName: string;
  /** As the service reports it, when it does. */
  readonly objectId?: string | undefined;
  readonly sessionState: string;
  readonly matchedBy: "objectId" | "userPrincipalName";
}

export interface HostPoolMatches {
  /** Sessions to act on. */
  readonly matches: readonly MatchedSession[];
  /** The requested UPN on another account's session (the request named the account): never touched. */
  readonly otherAccounts: readonly MatchedSession[];
  /** Matched, but the account is protected (AVD_PROTECTED_USERS by object id or UPN): never touched. */
  readonly protectedSessions: readonly MatchedSession[];
  readonly errors: readonly ReportedError[];
}

type Listed = Extract<SessionListing, { kind: "listed" }>;

/**
 * Picks the requested users' sessions out of a host pool's listing. The service filter (if one was
 * used) is advisory: `matchRequestedUser` alone decides whose session is touched. A session listed
 * twice (pages shift under concurrent changes) is matched once, and one whose id does not lie
 * exactly under the host pool it was listed in is never matched, only reported.
 */
export function matchSessions(
  users: UserIndex,
  hostPool: HostPoolRef,
  listings: readonly Listed[],
  protectedAccounts?: ProtectedAccounts,
): HostPoolMatches {
  const matches: MatchedSession[] = [];
  const otherAccounts: MatchedSession[] = [];
  const protectedSessions: MatchedSession[] = [];
  const errors: ReportedError[] = [];
  const seen = new Set<string>();
  const listed: ListedSession[] = [];
  for (const listing of listings) {
    for (const key of users.byUserPrincipalName.keys()) listed.push(...(listing.sessionsByUser.get(key) ?? []));
    if (users.byObjectId.size === 0) continue;
    const byObjectId = listing.sessionsByObjectId();
    for (const key of users.byObjectId.keys()) listed.push(...(byObjectId.get(key) ?? []));
  }
  for (const session of listed) {
    const match = strongestMatch(candidateUsers(users, session), session);
    if (match === undefined) continue;
    const ref = session.id === undefined ? undefined : parseUserSessionId(session.id);
    if (ref === undefined || !sameHostPool(ref, hostPool)) {
      errors.push({
        scope: "session",
        ...hostPool,
        code: "UnrecognizedResourceId",
        message: "A session of the user was listed with a resource id outside its host pool; it was not touched.",
      });
      continue;
    }
    const key = sessionKeyInHostPool(ref);
    if (seen.has(key)) continue;
    seen.add(key);
    const matched: MatchedSession = {
      ref,
      userPrincipalName: session.userPrincipalName ?? "",
      ...(session.objectId === undefined ? {} : { objectId: session.objectId }),
      sessionState: session.sessionState ?? "Unknown",
      matchedBy: match === "objectId" ? "objectId" : "userPrincipalName",
    };
    if (match === "otherAccount") otherAccounts.push(matched);
    else if (protectedAccounts !== undefined && isProtectedSession(protectedAccounts, session)) {
      protectedSessions.push(matched);
    } else matches.push(matched);
  }
  return { matches, otherAccounts, protectedSessions, errors };
}
