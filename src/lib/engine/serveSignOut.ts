import type { Clock } from "../base/clock";
import { foreignSubscriptionCode } from "../azure/armPolicies";
import { parseHostPoolId, type HostPoolRef } from "../azure/armResourceId";
import type { ListedHostPool } from "../azure/listingPage";
import { userPrincipalNameFilter } from "../azure/odataFilter";
import { toUpstreamError } from "../azure/upstreamError";
import { actOnHostPool, sessionResult, type ActDependencies } from "./actOnHostPool";
import { untilAborted } from "../base/clock";
import { buildReport } from "./report/buildReport";
import { parseHostPoolSelector, selectsHostPool, type HostPoolSelector } from "./hostPoolSelector";
import { chooseListingStrategy } from "./listingStrategy";
import { matchSessions } from "./matchSessions";
import type { ScanMembership } from "./scanCoordinator";
import type { SessionListing, SharedScan } from "./sharedScan";
import type { SignOutOrder } from "./signOutOrder";
import type { ListingStrategy, ReportedError, SessionResult, SignOutReport } from "./report/signOutReport";
import type { ProtectedAccounts } from "./findProtectedAccounts";
import { dedupeUsers, indexUsers, type UserIndex } from "./requestedUser";
import { readSessionHostStatus } from "./sessionHostStatus";
import { verifySessions, type ListRequestedSessions, type VerifyDependencies } from "./verifySessions";

export interface ServeDependencies extends ActDependencies, VerifyDependencies {
  readonly clock: Clock;
  readonly serverSideFilter: boolean;
  readonly join: (signal: AbortSignal) => Promise<ScanMembership<SharedScan>>;
  /** AVD_PROTECTED_USERS: sessions of these accounts are never acted on, whichever key matched them. */
  readonly protectedAccounts?: ProtectedAccounts | undefined;
}

interface Plan {
  readonly job: SignOutOrder;
  readonly users: UserIndex;
  readonly strategy: ListingStrategy;
  readonly selectors: readonly HostPoolSelector[] | undefined;
  readonly subscriptionIds: readonly string[];
}

/** What one host pool gave one request: sessions acted on, or the reason it could not be read. */
type HostPoolOutcome =
  | {
      readonly kind: "scanned";
      readonly hostPool: HostPoolRef;
      readonly sessions: readonly SessionResult[];
      readonly errors: readonly ReportedError[];
    }
  | { readonly kind: "failed"; readonly error: ReportedError };

interface SubscriptionOutcome {
  readonly hostPools: readonly HostPoolOutcome[];
  readonly errors: readonly ReportedError[];
  readonly warnings: readonly string[];
  readonly selected: ReadonlySet<number>;
}

function planFor(job: SignOutOrder, serverSideFilter: boolean): Plan {
  const users = dedupeUsers(job.users);
  const selectors = job.hostPools?.map(parseHostPoolSelector);
  let subscriptionIds = job.subscriptionIds;
  // When every selector is a full id, only the subscriptions they name need a host pool listing.
  if (selectors !== undefined && selectors.every((selector) => selector.kind === "id")) {
    const named = new Set(selectors.map((selector) => (selector.kind === "id" ? selector.ref.subscriptionId : "")));
    const lowerNamed = new Set([...named].map((id) => id.toLowerCase()));
    subscriptionIds = subscriptionIds.filter((id) => lowerNamed.has(id.toLowerCase()));
  }
  return {
    job: { ...job, users },
    users: indexUsers(users),
    strategy: chooseListingStrategy(
      users.length,
      serverSideFilter,
      users.some((user) => user.objectId !== undefined),
    ),
    selectors,
    subscriptionIds,
  };
}

/**
 * Serves one request: joins the next shared scan, takes from its listings what lies in the
 * request's scope, matches the request's users, acts per host pool, and builds the request's own
 * report. Failures are data; only the deadline (the signal) ends it early, with a partial report.
 */
export async function serveSignOut(
  job: SignOutOrder,
  dependencies: ServeDependencies,
  signal: AbortSignal,
): Promise<SignOutReport> {
  const startedAtMs = dependencies.clock.now();
  const plan = planFor(job, dependencies.serverSideFilter);
  const report = (outcome: Omit<Parameters<typeof buildReport>[1], "startedAtMs" | "finishedAtMs" | "strategy">) =>
    buildReport(plan.job, {
      ...outcome,
      strategy: plan.strategy,
      startedAtMs,
      finishedAtMs: dependencies.clock.now(),
    });

  let membership: ScanMembership<SharedScan>;
  try {
    membership = await dependencies.join(signal);
  } catch (error) {
    const upstream = toUpstreamError(error);
    return report({
      subscriptionIds: plan.subscriptionIds,
      selectors: plan.selectors,
      selectorsMatched: new Set(),
      hostPoolsScanned: 0,
      sessions: [],
      errors: plan.subscriptionIds.map((subscriptionId) => ({
        scope: "subscription",
        subscriptionId,
        ...upstream,
        message: "The deadline was reached before this request's scan started; nothing was touched.",
      })),
      warnings: [],
    });
  }

  const subscriptions = plan.subscriptionIds.map((subscriptionId) =>
    serveSubscription(plan, membership.scan, subscriptionId, dependencies, signal),
  );
  // The next scan may open once this request has every listing it needs (or has given up on them).
  void Promise.all(subscriptions.map((subscription) => subscription.sessionListings))
    .then((listings) => Promise.allSettled(listings.flat()))
    .finally(membership.doneListing);

  const outcomes = await Promise.all(subscriptions.map((subscription) => subscription.outcome));
  const hostPools = outcomes.flatMap((outcome) => outcome.hostPools);
  const scanned = hostPools.flatMap((pool) => (pool.kind === "scanned" ? [pool] : []));
  const selected = new Set(outcomes.flatMap((outcome) => [...outcome.selected]));
  // A dry run acted on nothing, so there is nothing to verify.
  const verified =
    plan.job.verify === true && !plan.job.dryRun
      ? await verifySessions(scanned, plan.job.mode, requestedSessionsIn(plan, signal), dependencies, signal)
      : { sessions: scanned.flatMap((pool) => pool.sessions), errors: [] };
  const verification = await readSessionHostStatus(verified.sessions, dependencies.arm, signal).then((annotated) => ({
    ...annotated,
    errors: verified.errors,
  }));
  return report({
    subscriptionIds: plan.subscriptionIds,
    selectors: plan.selectors,
    selectorsMatched: selected,
    hostPoolsScanned: scanned.length,
    sessions: verification.sessions,
    errors: [
      ...outcomes.flatMap((outcome) => outcome.errors),
      ...hostPools.flatMap((pool) => (pool.kind === "scanned" ? pool.errors : [pool.error])),
      ...verification.errors,
    ],
    warnings: [...outcomes.flatMap((outcome) => outcome.warnings), ...verification.warnings],
  });
}

function serveSubscription(
  plan: Plan,
  scan: SharedScan,
  subscriptionId: string,
  dependencies: ServeDependencies,
  signal: AbortSignal,
): { sessionListings: Promise<Promise<unknown>[]>; outcome: Promise<SubscriptionOutcome> } {
  const listing = untilAborted(scan.hostPools(subscriptionId), signal).catch((error: unknown) => ({
    kind: "failed" as const,
    error: toUpstreamError(error),
  }));
  const pools = listing.then((hostPoolListing) => {
    if (hostPoolListing.kind === "failed")
      return { hostPoolListing, pools: [], errors: [], selected: new Set<number>() };
    const { inScope, errors, selected } = selectHostPools(plan, subscriptionId, hostPoolListing.hostPools);
    const served = inScope.map((hostPool) => serveHostPool(plan, scan, hostPool, dependencies, signal));
    return { hostPoolListing, pools: served, errors, selected };
  });
  const outcome = pools.then(
    async ({ hostPoolListing, pools: served, errors, selected }): Promise<SubscriptionOutcome> => {
      if (hostPoolListing.kind === "failed") {
        return {
          hostPools: [],
          errors: [{ scope: "subscription", subscriptionId, ...hostPoolListing.error }],
          warnings: [],
          selected: new Set(),
        };
      }
      const warnings =
        hostPoolListing.hostPools.length === 0
          ? [
              `No host pools visible in subscription ${subscriptionId}: check the role assignment at subscription scope (a missing role can look like an empty list).`,
            ]
          : [];
      return { hostPools: await Promise.all(served.map((pool) => pool.outcome)), errors, warnings, selected };
    },
  );
  return { sessionListings: pools.then(({ pools: served }) => served.map((pool) => pool.listed)), outcome };
}

/** The listed host pools that lie in the request's scope, and which selectors they matched. */
function selectHostPools(
  plan: Plan,
  subscriptionId: string,
  listedHostPools: readonly ListedHostPool[],
): { inScope: HostPoolRef[]; errors: ReportedError[]; selected: Set<number> } {
  const errors: ReportedError[] = [];
  const selected = new Set<number>();
  const inScope: HostPoolRef[] = [];
  for (const listed of listedHostPools) {
    const ref = listed.id === undefined ? undefined : parseHostPoolId(listed.id);
    if (ref === undefined) {
      errors.push({
        scope: "hostPool",
        subscriptionId,
        hostPool: listed.name ?? "",
        code: "UnrecognizedResourceId",
        message: "The host pool's resource id could not be parsed; it was not scanned.",
      });
      continue;
    }
    if (ref.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) {
      errors.push({
        scope: "hostPool",
        subscriptionId,
        resourceGroup: ref.resourceGroup,
        hostPool: ref.hostPool,
        code: foreignSubscriptionCode,
        message: `The host pool was listed in subscription ${subscriptionId} but its id names subscription ${ref.subscriptionId}; it was not scanned.`,
      });
      continue;
    }
    const matching = (plan.selectors ?? []).flatMap((selector, index) =>
      selectsHostPool(selector, ref) ? [index] : [],
    );
    matching.forEach((index) => selected.add(index));
    if (plan.selectors === undefined || matching.length > 0) inScope.push(ref);
  }
  return { inScope, errors, selected };
}

/** The request's listings of one host pool in a scan: one, or one per user with the service-side filter. */
function listHostPool(
  plan: Plan,
  scan: SharedScan,
  hostPool: HostPoolRef,
  signal: AbortSignal,
): Promise<SessionListing[]> {
  const filters =
    plan.strategy === "filteredPerUser"
      ? plan.job.users.flatMap((user) =>
          user.userPrincipalName === undefined ? [] : [userPrincipalNameFilter(user.userPrincipalName)],
        )
      : [undefined];
  return Promise.all(
    filters.map((filter) =>
      untilAborted(scan.sessions(hostPool, filter), signal).catch((error: unknown): SessionListing => ({
        kind: "failed",
        error: toUpstreamError(error),
      })),
    ),
  );
}

/** Verification lists a host pool exactly as the request did and matches the same users. */
function requestedSessionsIn(plan: Plan, signal: AbortSignal): ListRequestedSessions {
  return async (scan, hostPool) => {
    const listings = await listHostPool(plan, scan, hostPool, signal);
    const failed = listings.find((listing) => listing.kind === "failed");
    if (failed !== undefined) return failed;
    const grouped = listings.flatMap((listing) => (listing.kind === "listed" ? [listing] : []));
    return { kind: "listed", sessions: matchSessions(plan.users, hostPool, grouped).matches };
  };
}

function serveHostPool(
  plan: Plan,
  scan: SharedScan,
  hostPool: HostPoolRef,
  dependencies: ServeDependencies,
  signal: AbortSignal,
): { listed: Promise<unknown>; outcome: Promise<HostPoolOutcome> } {
  const listed = listHostPool(plan, scan, hostPool, signal);
  const outcome = listed.then(async (listings): Promise<HostPoolOutcome> => {
    const failed = listings.find((listing) => listing.kind === "failed");
    if (failed !== undefined) return { kind: "failed", error: { scope: "hostPool", ...hostPool, ...failed.error } };
    const grouped = listings.flatMap((listing) => (listing.kind === "listed" ? [listing] : []));
    const { matches, otherAccounts, protectedSessions, errors } = matchSessions(
      plan.users,
      hostPool,
      grouped,
      // A dry run changes nothing and may look at anyone, as it may name a protected account.
      plan.job.dryRun ? undefined : dependencies.protectedAccounts,
    );
    const untouched = [
      ...otherAccounts.map((session) => sessionResult(session, "otherAccount", {})),
      ...protectedSessions.map((session) =>
        sessionResult(
          session,
          "protected",
          {},
          {
            error: {
              code: "ProtectedAccount",
              statusCode: undefined,
              message:
                "The session belongs to a protected account (AVD_PROTECTED_USERS); it was not touched. The request named the account by another key, e.g. after a rename.",
            },
          },
        ),
      ),
    ];
    const results = await actOnHostPool(plan.job, matches, dependencies, signal, untouched);
    return { kind: "scanned", hostPool, sessions: results, errors };
  });
  return { listed, outcome };
}
