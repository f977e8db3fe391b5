import type { HostPoolRef, UserSessionRef } from "./armResourceId";
import type { ListOptions } from "./listResources";
import type { ListedHostPool, ListedSession, ListedSessionHost } from "./listingPage";
import type { SessionAction, SessionActionResult } from "./sessionActions";

/**
 * What the engine asks of ARM. Listings throw (the engine turns a failed listing into a failed
 * scope); session actions answer with data, since their outcomes are the report.
 */
export interface AvdArm {
  listHostPools(subscriptionId: string, options: ListOptions): Promise<ListedHostPool[]>;
  listUserSessions(hostPool: HostPoolRef, options: ListOptions): Promise<ListedSession[]>;
  listSessionHosts(hostPool: HostPoolRef, options: ListOptions): Promise<ListedSessionHost[]>;
  runSessionAction(ref: UserSessionRef, action: SessionAction, abortSignal: AbortSignal): Promise<SessionActionResult>;
}
