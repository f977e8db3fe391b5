import type { UserSession } from "@azure/arm-desktopvirtualization";
import { abortableDelay } from "./abortableDelay";
import {
  parseHostPoolId,
  parseUserSessionId,
  sameHostPool,
  type HostPoolRef,
  type UserSessionRef,
} from "../azure/armResourceId";
import type { AvdClientFactory, AvdSubscriptionClient } from "../azure/avdClient";
import { createConcurrencyLimiter, type ConcurrencyLimiter } from "./concurrencyLimiter";
import { parseHostPoolSelector, selectsHostPool, type HostPoolSelector } from "./hostPoolSelector";
import { chooseListingStrategy } from "./listingStrategy";
import { userPrincipalNameFilter } from "../azure/odataFilter";
import type { SignOutMode } from "./signOutMode";
import type {
  Caller,
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
import { toUpstreamError, type UpstreamError } from "../azure/upstreamError";
import { userPrincipalNameKey } from "./userPrincipalName";

export interface SignOutNotice {
  readonly title: string;
  readonly message: string;
}

export interface SignOutAudit {
  readonly requestedBy?: string | undefined;
  readonly reason?: string | undefined;
  readonly caller?: Caller | undefined;
}

export interface SignOutUsersOptions {
  /** De-duplicated; matched case-insensitively (ASCII only). */
  readonly userPrincipalNames: readonly string[];
  /** Whether the caller sent a list: a single-user report keeps `userPrincipalName`. */
  readonly batch: boolean;
  readonly mode: SignOutMode;
  readonly dryRun: boolean;
  readonly notify?: SignOutNotice | undefined;
  readonly gracePeriodMs: number;
  /** The subscriptions in scope, already narrowed to the configured ones. */
  readonly subscriptionIds: readonly string[];
  /** Host pool names or resource ids; every host pool when absent. */
  readonly hostPools?: readonly string[] | undefined;
  readonly audit?: SignOutAudit;
  readonly clientFor: AvdClientFactory;
  readonly maxConcurrencyPerSubscription: number;
  /** The operator has confirmed `$filter` compares UPNs case-insensitively: see `chooseListingStrategy`. */
  readonly serverSideFilter: boolean;
  /** Aborted at the deadline: in-flight calls and the grace period are cancelled and the report is partial. */
  readonly abortSignal: AbortSignal;
  readonly now: () => number;
  readonly operationId: string;
  /** The grace period's timer; must reject when the signal aborts. */
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

interface Run {
  readonly options: SignOutUsersOptions;
  readonly strategy: ListingStrategy;
  /** Requested UPN by its case-folded key. */
  readonly users: ReadonlyMap<string, string>;
  readonly selectors: readonly HostPoolSelector[] | undefined;
  readonly selectorsMatched: Set<number>;
  readonly sessions: SessionResult[];
  readonly sessionUser: Map<SessionResult, string>;
  readonly errors: ReportedError[];
  /** Lower-cased resource ids, so that a session listed twice (paging shifts) is acted on once. */
  readonly seen: Set<string>;
  hostPoolsScanned: number;
}

interface MatchedSession {
  readonly ref: UserSessionRef;
  /** The requested UPN's key. */
  readonly userKey: string;
  readonly userPrincipalName: string;
  readonly sessionState: string;
  notification?: NotificationOutcome;
  notificationError?: UpstreamError;
}

const notFoundStatus = 404;

/**
 * Signs the users out of every session in the host pools in scope: one listing of host pools per
 * subscription, then per host pool the listing(s) of `chooseListingStrategy`, then per matching
 * session an optional message, the grace period, and one delete or disconnect; all behind a
 * per-subscription concurrency bound. Failures are recorded, never thrown.
 */
export async function signOutUsers(options: SignOutUsersOptions): Promise<SignOutReport> {
  const startedAtMs = options.now();
  const users = new Map<string, string>();
  for (const upn of options.userPrincipalNames) {
    if (!users.has(userPrincipalNameKey(upn))) users.set(userPrincipalNameKey(upn), upn);
  }
  const run: Run = {
    options,
    strategy: chooseListingStrategy(users.size, options.serverSideFilter),
    users,
    selectors: options.hostPools?.map(parseHostPoolSelector),
    selectorsMatched: new Set(),
    sessions: [],
    sessionUser: new Map(),
    errors: [],
    seen: new Set(),
    hostPoolsScanned: 0,
  };
  const subscriptionIds = subscriptionsToScan(run);
  await Promise.all(subscriptionIds.map((subscriptionId) => signOutInSubscription(run, subscriptionId)));
  return buildReport(run, subscriptionIds, startedAtMs);
}

/** When every selector is a full id, only the subscriptions they name need a host pool listing. */
function subscriptionsToScan(run: Run): readonly string[] {
  const { subscriptionIds } = run.options;
  const selectors = run.selectors;
  if (selectors === undefined || selectors.some((selector) => selector.kind === "name")) return subscriptionIds;
  const named = new Set(
    selectors.flatMap((selector) => (selector.kind === "id" ? [selector.ref.subscriptionId.toLowerCase()] : [])),
  );
  return subscriptionIds.filter((id) => named.has(id.toLowerCase()));
}

function inScope(run: Run, hostPool: HostPoolRef): boolean {
  if (run.selectors === undefined) return true;
  let selected = false;
  run.selectors.forEach((selector, index) => {
    if (selectsHostPool(selector, hostPool)) {
      run.selectorsMatched.add(index);
      selected = true;
    }
  });
  return selected;
}

async function signOutInSubscription(run: Run, subscriptionId: string): Promise<void> {
  const { options } = run;
  const limiter = createConcurrencyLimiter(options.maxConcurrencyPerSubscription);
  const client = options.clientFor(subscriptionId);
  const hostPoolScans: Promise<void>[] = [];
  try {
    const pages = client.hostPools.list({ abortSignal: options.abortSignal }).byPage();
    for (;;) {
      const page = await limiter.run(() => pages.next());
      if (page.done) break;
      for (const hostPool of page.value) {
        const ref = hostPool.id === undefined ? undefined : parseHostPoolId(hostPool.id);
        if (ref === undefined) {
          run.errors.push({
            scope: "hostPool",
            subscriptionId,
            hostPool: hostPool.name ?? "",
            code: "UnrecognizedResourceId",
            statusCode: undefined,
            message: "The host pool's resource id could not be parsed; it was not scanned.",
          });
          continue;
        }
        if (!inScope(run, ref)) continue;
        hostPoolScans.push(signOutInHostPool(run, client, limiter, ref));
      }
    }
  } catch (error) {
    run.errors.push({ scope: "subscription", subscriptionId, ...toUpstreamError(error) });
  }
  await Promise.all(hostPoolScans);
}

async function signOutInHostPool(
  run: Run,
  client: AvdSubscriptionClient,
  limiter: ConcurrencyLimiter,
  hostPool: HostPoolRef,
): Promise<void> {
  // Nothing is messaged or acted on until every listing of the pool is complete: the service pages
  // by offset, so removing a session from an earlier page would shift a later page and hide one of
  // the users' sessions from us.
  const matches = await listMatchingSessions(run, client, limiter, hostPool);
  if (matches.length === 0) return;
  const { options } = run;
  if (options.notify !== undefined) {
    await Promise.all(matches.map((match) => notifySession(run, client, limiter, match)));
    const delivered = matches.some((match) => match.notification === "sent");
    if (delivered && options.gracePeriodMs > 0) {
      try {
        await (options.wait ?? abortableDelay)(options.gracePeriodMs, options.abortSignal);
      } catch (error) {
        // Only the deadline ends the wait early; then nothing is touched and a retry finishes the job.
        const upstream = toUpstreamError(error);
        for (const match of matches) {
          recordSession(run, match, "deadlineExceeded", upstream);
          run.errors.push({ scope: "session", ...match.ref, ...upstream });
        }
        return;
      }
    }
  }
  await Promise.all(matches.map((match) => actOnSession(run, client, limiter, match)));
}

async function listMatchingSessions(
  run: Run,
  client: AvdSubscriptionClient,
  limiter: ConcurrencyLimiter,
  hostPool: HostPoolRef,
): Promise<MatchedSession[]> {
  const filters: Array<string | undefined> =
    run.strategy === "filteredPerUser" ? [...run.users.values()].map(userPrincipalNameFilter) : [undefined];
  const matches: MatchedSession[] = [];
  const failures: UpstreamError[] = [];
  await Promise.all(
    filters.map(async (filter) => {
      try {
        const pages = client.userSessions
          .listByHostPool(hostPool.resourceGroup, hostPool.hostPool, {
            abortSignal: run.options.abortSignal,
            ...(filter === undefined ? {} : { filter }),
          })
          .byPage();
        for (;;) {
          const page = await limiter.run(() => pages.next());
          if (page.done) break;
          for (const session of page.value) {
            const match = matchSession(run, hostPool, session);
            if (match !== undefined) matches.push(match);
          }
        }
      } catch (error) {
        failures.push(toUpstreamError(error));
      }
    }),
  );
  const failure = failures[0];
  if (failure === undefined) {
    run.hostPoolsScanned++;
  } else {
    run.errors.push({ scope: "hostPool", ...hostPool, ...failure });
  }
  return matches;
}

function matchSession(run: Run, hostPool: HostPoolRef, session: UserSession): MatchedSession | undefined {
  const upn = session.userPrincipalName;
  // The service filter (if any) is advisory; this comparison alone decides whose session is touched.
  if (upn === undefined) return undefined;
  const userKey = userPrincipalNameKey(upn);
  if (!run.users.has(userKey)) return undefined;
  const ref = session.id === undefined ? undefined : parseUserSessionId(session.id);
  if (ref === undefined || !sameHostPool(ref, hostPool)) {
    run.errors.push({
      scope: "session",
      ...hostPool,
      code: "UnrecognizedResourceId",
      statusCode: undefined,
      message: "A session of the user was listed with a resource id outside its host pool; it was not touched.",
    });
    return undefined;
  }
  const key = session.id!.toLowerCase();
  if (run.seen.has(key)) return undefined;
  run.seen.add(key);
  return { ref, userKey, userPrincipalName: upn, sessionState: session.sessionState ?? "Unknown" };
}

function hasState(session: MatchedSession, state: string): boolean {
  return session.sessionState.toLowerCase() === state.toLowerCase();
}

/** Only an Active session has a desktop to show a message box on. */
async function notifySession(
  run: Run,
  client: AvdSubscriptionClient,
  limiter: ConcurrencyLimiter,
  session: MatchedSession,
): Promise<void> {
  const { options } = run;
  if (!hasState(session, "Active")) {
    session.notification = "notShown";
    return;
  }
  if (options.dryRun || options.notify === undefined) {
    session.notification = "wouldSend";
    return;
  }
  const { resourceGroup, hostPool, sessionHost, sessionId } = session.ref;
  const { title, message } = options.notify;
  try {
    await limiter.run(() =>
      client.userSessions.sendMessage(resourceGroup, hostPool, sessionHost, sessionId, {
        sendMessage: { messageTitle: title, messageBody: message },
        abortSignal: options.abortSignal,
      }),
    );
    session.notification = "sent";
  } catch (error) {
    session.notification = "failed";
    session.notificationError = toUpstreamError(error);
  }
}

async function actOnSession(
  run: Run,
  client: AvdSubscriptionClient,
  limiter: ConcurrencyLimiter,
  session: MatchedSession,
): Promise<void> {
  const { options } = run;
  const disconnect = options.mode === "disconnect";
  if (disconnect && hasState(session, "Disconnected")) {
    recordSession(run, session, "alreadyDisconnected");
    return;
  }
  if (options.dryRun) {
    recordSession(run, session, disconnect ? "wouldDisconnect" : "wouldSignOut");
    return;
  }
  const { resourceGroup, hostPool, sessionHost, sessionId } = session.ref;
  try {
    if (disconnect) {
      await limiter.run(() =>
        client.userSessions.disconnect(resourceGroup, hostPool, sessionHost, sessionId, {
          abortSignal: options.abortSignal,
        }),
      );
      recordSession(run, session, "disconnected");
    } else {
      await limiter.run(() =>
        client.userSessions.delete(resourceGroup, hostPool, sessionHost, sessionId, {
          force: true,
          abortSignal: options.abortSignal,
        }),
      );
      // The live service answers 204 to a session it just removed: a 204 only says it is gone now.
      recordSession(run, session, "signedOut");
    }
  } catch (error) {
    const upstream = toUpstreamError(error);
    if (upstream.statusCode === notFoundStatus) {
      recordSession(run, session, "alreadyGone");
      return;
    }
    const outcome: SessionOutcome = upstream.code === "DeadlineExceeded" ? "deadlineExceeded" : "failed";
    recordSession(run, session, outcome, upstream);
    run.errors.push({ scope: "session", ...session.ref, ...upstream });
  }
}

function recordSession(run: Run, session: MatchedSession, outcome: SessionOutcome, error?: UpstreamError): void {
  const result: SessionResult = {
    ...session.ref,
    userPrincipalName: session.userPrincipalName,
    sessionState: session.sessionState,
    outcome,
    ...(error === undefined ? {} : { error }),
    ...(session.notification === undefined ? {} : { notification: session.notification }),
    ...(session.notificationError === undefined ? {} : { notificationError: session.notificationError }),
  };
  run.sessions.push(result);
  run.sessionUser.set(result, session.userKey);
}

function compareSessions(a: SessionResult, b: SessionResult): number {
  const keyA = [a.subscriptionId, a.resourceGroup, a.hostPool, a.sessionHost, a.sessionId].join("/").toLowerCase();
  const keyB = [b.subscriptionId, b.resourceGroup, b.hostPool, b.sessionHost, b.sessionId].join("/").toLowerCase();
  return keyA.localeCompare(keyB, "en", { numeric: true });
}

function decideStatus(errors: readonly ReportedError[], sessions: readonly SessionResult[]): SignOutStatus {
  const deadlineHit =
    errors.some((error) => error.code === "DeadlineExceeded") ||
    sessions.some((session) => session.outcome === "deadlineExceeded");
  if (deadlineHit) return "deadlineExceeded";
  return errors.length > 0 || sessions.some((session) => session.outcome === "failed") ? "failed" : "completed";
}

function countSessions(
  run: Run,
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
    ...(run.options.mode === "disconnect"
      ? {
          disconnected: count("disconnected"),
          alreadyDisconnected: count("alreadyDisconnected"),
          wouldDisconnect: count("wouldDisconnect"),
        }
      : {}),
  };
}

function buildReport(run: Run, subscriptionIds: readonly string[], startedAtMs: number): SignOutReport {
  const { options } = run;
  const sessions = [...run.sessions].sort(compareSessions);
  // A subscription or host pool that could not be read may hold any user's sessions.
  const scopeErrors = run.errors.filter((error) => error.scope !== "session");
  const users: UserReport[] = [...run.users].map(([key, userPrincipalName]) => {
    const own = sessions.filter((session) => run.sessionUser.get(session) === key);
    return {
      userPrincipalName,
      status: decideStatus(scopeErrors, own),
      counts: countSessions(run, own),
      sessions: own,
    };
  });
  const notified = (outcome: NotificationOutcome): number =>
    sessions.filter((session) => session.notification === outcome).length;
  const [single] = options.userPrincipalNames;
  const { requestedBy, reason, caller } = options.audit ?? {};
  return {
    operationId: options.operationId,
    ...(options.batch || single === undefined
      ? { userPrincipalNames: [...run.users.values()] }
      : { userPrincipalName: single }),
    mode: options.mode,
    dryRun: options.dryRun,
    status: decideStatus(run.errors, sessions),
    startedAt: new Date(startedAtMs).toISOString(),
    durationMs: Math.max(0, Math.round(options.now() - startedAtMs)),
    strategy: run.strategy,
    scope: {
      subscriptionIds: [...subscriptionIds],
      ...(options.hostPools === undefined ? {} : { hostPools: [...options.hostPools] }),
    },
    ...(run.selectors === undefined
      ? {}
      : { hostPoolsNotFound: run.selectors.filter((_, index) => !run.selectorsMatched.has(index)).map((s) => s.text) }),
    ...(requestedBy === undefined ? {} : { requestedBy }),
    ...(reason === undefined ? {} : { reason }),
    ...(caller === undefined ? {} : { caller }),
    ...(options.notify === undefined
      ? {}
      : {
          gracePeriodSeconds: Math.round(options.gracePeriodMs / 1000),
          notifications: {
            sent: notified("sent"),
            failed: notified("failed"),
            notShown: notified("notShown"),
            wouldSend: notified("wouldSend"),
          },
        }),
    counts: {
      subscriptions: subscriptionIds.length,
      hostPoolsScanned: run.hostPoolsScanned,
      ...countSessions(run, sessions),
    },
    users,
    sessions,
    errors: run.errors,
  };
}
