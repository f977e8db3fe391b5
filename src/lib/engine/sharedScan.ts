import { groupBy } from "../base/groupBy";
import type { HostPoolRef } from "../azure/armResourceId";
import type { AvdArm } from "../azure/avdClient";
import type { ListedHostPool, ListedSession } from "../azure/listingPage";
import { toUpstreamError, type UpstreamError } from "../azure/upstreamError";
import { whenAllAborted } from "./abortSignals";
import { userPrincipalNameKey } from "../base/userPrincipalName";
import { accountObjectIdKey } from "../base/objectId";
import type { PoolActivityLock } from "./poolActivityLock";

export type HostPoolListing =
  | { readonly kind: "listed"; readonly hostPools: readonly ListedHostPool[] }
  | { readonly kind: "failed"; readonly error: UpstreamError };

export type SessionListing =
  | {
      readonly kind: "listed";
      /** By case-folded UPN, computed once per listing however many requests share it. */
      readonly sessionsByUser: ReadonlyMap<string, readonly ListedSession[]>;
      /**
       * By case-folded object id (the all-zero id left out), built on first use: only requests that
       * name an object id pay for it.
       */
      readonly sessionsByObjectId: () => ReadonlyMap<string, readonly ListedSession[]>;
    }
  | { readonly kind: "failed"; readonly error: UpstreamError };

/** The listings of one scan, each made at most once however many of its members ask. */
export interface SharedScan {
  hostPools(subscriptionId: string): Promise<HostPoolListing>;
  sessions(hostPool: HostPoolRef, filter: string | undefined): Promise<SessionListing>;
}

export function hostPoolKey(hostPool: HostPoolRef): string {
  return [hostPool.subscriptionId, hostPool.resourceGroup, hostPool.hostPool].join("/").toLowerCase();
}

export function openSharedScan(arm: AvdArm, lock: PoolActivityLock, memberSignals: readonly AbortSignal[]): SharedScan {
  const abortSignal = whenAllAborted(memberSignals);
  const hostPoolListings = new Map<string, Promise<HostPoolListing>>();
  const sessionListings = new Map<string, Promise<SessionListing>>();
  return {
    hostPools(subscriptionId) {
      const key = subscriptionId.toLowerCase();
      let listing = hostPoolListings.get(key);
      if (listing === undefined) {
        listing = arm.listHostPools(subscriptionId, { abortSignal }).then(
          (hostPools): HostPoolListing => ({ kind: "listed", hostPools }),
          (error: unknown): HostPoolListing => ({ kind: "failed", error: toUpstreamError(error) }),
        );
        hostPoolListings.set(key, listing);
      }
      return listing;
    },
    sessions(hostPool, filter) {
      const poolKey = hostPoolKey(hostPool);
      const key = `${poolKey}|${filter ?? ""}`;
      let listing = sessionListings.get(key);
      if (listing === undefined) {
        listing = lock
          .run(poolKey, "listing", () => arm.listUserSessions(hostPool, { abortSignal, filter }), abortSignal)
          .then(
            (sessions): SessionListing => ({
              kind: "listed",
              sessionsByUser: groupByUser(sessions),
              sessionsByObjectId: once(() => groupByObjectId(sessions)),
            }),
            (error: unknown): SessionListing => ({ kind: "failed", error: toUpstreamError(error) }),
          );
        sessionListings.set(key, listing);
      }
      return listing;
    },
  };
}

/** Sessions without a UPN (or with one that is not a string) belong to no requested user. */
function groupByUser(sessions: readonly ListedSession[]): Map<string, ListedSession[]> {
  return groupBy(sessions, (session) =>
    session.userPrincipalName === undefined ? undefined : userPrincipalNameKey(session.userPrincipalName),
  );
}

function groupByObjectId(sessions: readonly ListedSession[]): Map<string, ListedSession[]> {
  return groupBy(sessions, (session) => accountObjectIdKey(session.objectId));
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
