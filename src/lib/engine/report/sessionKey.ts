import type { SessionResult } from "./signOutReport";

export type SessionIdentity = Pick<
  SessionResult,
  "subscriptionId" | "resourceGroup" | "hostPool" | "sessionHost" | "sessionId"
>;

/**
 * The one key of a user session: every segment of its resource id, resource group included, case-
 * folded as ARM compares them. Reports sort by it and merges and the job journal key on it.
 */
export function sessionKey(session: SessionIdentity): string {
  return [session.subscriptionId, session.resourceGroup, session.hostPool, session.sessionHost, session.sessionId]
    .join("/")
    .toLowerCase();
}

/**
 * The key of a session within one host pool's listing (session host and session id, case-folded):
 * what a listing of that pool is compared by, whatever resource group or host pool a listed id spells.
 */
export function sessionKeyInHostPool(session: Pick<SessionIdentity, "sessionHost" | "sessionId">): string {
  return [session.sessionHost, session.sessionId].join("/").toLowerCase();
}
