import { createHash } from "node:crypto";
import type { IdStyle, ResolvedScenario, ResolvedUserSession, SessionState } from "./scenario";

export interface SentMessage {
  readonly messageTitle: string;
  readonly messageBody: string;
  readonly atMs: number;
}

export interface SessionRecord {
  readonly id: string;
  readonly userPrincipalName: string;
  sessionState: SessionState;
  readonly applicationType: "RemoteApp" | "Desktop";
  readonly objectId: string;
  readonly activeDirectoryUserName: string;
  readonly createTime: string;
  readonly vanishesBeforeDelete: 204 | 404 | undefined;
  readonly stuck: boolean;
  readonly messages: SentMessage[];
  /** Listings show this state instead of `sessionState` until `untilMs` (see `listingLagMs`). */
  listedState?: { readonly sessionState: SessionState; readonly untilMs: number } | undefined;
}

/** A session that is gone but that listings still show until `untilMs` (see `listingLagMs`). */
export interface DepartedSession {
  readonly session: SessionRecord;
  readonly untilMs: number;
}

export interface SessionHostRecord {
  readonly name: string;
  readonly status: string;
  readonly allowNewSession: boolean;
  readonly sessions: SessionRecord[];
  /** Removed sessions that listings still show; pruned as they expire. */
  departed: DepartedSession[];
}

export interface HostPoolRecord {
  readonly subscriptionId: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly hostPoolType: string;
  readonly loadBalancerType: string;
  readonly friendlyName: string | undefined;
  readonly ignoresFilter: boolean;
  /** Resolved: the host pool's, else the scenario's. */
  readonly sessionPageSize: number;
  readonly latencyMs: number | undefined;
  readonly idStyle: IdStyle;
  readonly sessionHosts: SessionHostRecord[];
}

export interface SubscriptionRecord {
  readonly id: string;
  readonly forbidden: boolean;
  readonly hidesHostPools: boolean;
  /** Resolved: the subscription's, else the scenario's. */
  readonly hostPoolPageSize: number;
  readonly latencyMs: number | undefined;
  readonly hostPools: HostPoolRecord[];
}

/** The mutable resources an emulator serves, built afresh from a scenario on every load/reset. */
export interface EmulatorWorld {
  readonly subscriptions: SubscriptionRecord[];
}

/** Host statuses on which actions answer success and change nothing (the session stays listed). */
const offStatuses: ReadonlySet<string> = new Set(["shutdown", "unavailable", "noheartbeat"]);

export function hostIsOff(host: Pick<SessionHostRecord, "status">): boolean {
  return offStatuses.has(host.status.toLowerCase());
}

export function createEmulatorWorld(scenario: ResolvedScenario): EmulatorWorld {
  const accounts = new Map(scenario.accounts.map((account) => [account.name, account]));
  const identityOf = (session: ResolvedUserSession): { userPrincipalName: string; objectId: string } => {
    const account = session.account === undefined ? undefined : accounts.get(session.account);
    const userPrincipalName = session.userPrincipalName ?? account?.userPrincipalName ?? "";
    return {
      userPrincipalName,
      objectId:
        session.objectId ??
        account?.objectId ??
        (account === undefined
          ? stableGuid(`user:${userPrincipalName.toLowerCase()}`)
          : stableGuid(`account:${account.name}`)),
    };
  };
  return {
    subscriptions: scenario.subscriptions.map((subscription) => ({
      id: subscription.id,
      forbidden: subscription.forbidden === true,
      hidesHostPools: subscription.hidesHostPools === true,
      hostPoolPageSize: subscription.hostPoolPageSize ?? scenario.hostPoolPageSize,
      latencyMs: subscription.latencyMs,
      hostPools: subscription.hostPools.map((pool) => ({
        subscriptionId: subscription.id,
        name: pool.name,
        resourceGroup: pool.resourceGroup,
        location: pool.location,
        hostPoolType: pool.hostPoolType,
        loadBalancerType: pool.loadBalancerType,
        friendlyName: pool.friendlyName,
        ignoresFilter: pool.ignoresFilter,
        sessionPageSize: pool.sessionPageSize ?? scenario.sessionPageSize,
        latencyMs: pool.latencyMs,
        idStyle: pool.idStyle ?? scenario.idStyle,
        sessionHosts: pool.sessionHosts.map((host) => ({
          name: host.name,
          status: host.status,
          allowNewSession: host.allowNewSession,
          sessions: host.sessions.map((session) => ({
            id: session.id,
            ...identityOf(session),
            sessionState: session.sessionState,
            applicationType: session.applicationType,
            activeDirectoryUserName:
              session.activeDirectoryUserName ?? downLevelName(identityOf(session).userPrincipalName),
            createTime: session.createTime ?? "2025-01-06T08:00:00.0000000Z",
            vanishesBeforeDelete: session.vanishesBeforeDelete,
            stuck: session.stuck === true,
            messages: [],
          })),
          departed: [],
        })),
      })),
    })),
  };
}

/** A GUID derived from a seed, so that generated object ids are the same on every run. */
export function stableGuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `alice@contoso.com` → `CONTOSO\alice`, the shape `activeDirectoryUserName` takes. */
function downLevelName(userPrincipalName: string): string {
  const at = userPrincipalName.lastIndexOf("@");
  if (at < 0) return userPrincipalName;
  const domain = (userPrincipalName.slice(at + 1).split(".")[0] ?? "").toUpperCase();
  return `${domain}\\${userPrincipalName.slice(0, at)}`;
}
