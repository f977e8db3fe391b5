import { parseUserSessionId, sameHostPool, type HostPoolRef, type UserSessionRef } from "../azure/armResourceId";
import type { ListedSession } from "../azure/listingPage";
import type { ReportedError } from "./signOutReport";
import { userPrincipalNameKey } from "../base/userPrincipalName";

export interface MatchedSession {
  readonly ref: UserSessionRef;
  /** As the service stores it. */
  readonly userPrincipalName: string;
  readonly sessionState: string;
}

export interface HostPoolMatches {
  readonly matches: readonly MatchedSession[];
  readonly errors: readonly ReportedError[];
}

/**
 * Picks the requested users' sessions out of a host pool's listing. The service filter (if one was
 * used) is advisory: this ASCII case-insensitive comparison alone decides whose session is touched.
 * A session listed twice (pages shift under concurrent changes) is matched once, and one whose id
 * does not lie exactly under the host pool it was listed in is never matched, only reported.
 */
export function matchSessions(
  userKeys: ReadonlySet<string>,
  hostPool: HostPoolRef,
  listings: ReadonlyArray<ReadonlyMap<string, readonly ListedSession[]>>,
): HostPoolMatches {
  const matches: MatchedSession[] = [];
  const errors: ReportedError[] = [];
  const seen = new Set<string>();
  const listed = [...userKeys].flatMap((key) => listings.flatMap((listing) => listing.get(key) ?? []));
  for (const session of listed) {
    const upn = session.userPrincipalName;
    if (upn === undefined || !userKeys.has(userPrincipalNameKey(upn))) continue;
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
    const key = [ref.sessionHost, ref.sessionId].join("/").toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    matches.push({ ref, userPrincipalName: upn, sessionState: session.sessionState ?? "Unknown" });
  }
  return { matches, errors };
}
