import type { UserSession } from "@azure/arm-desktopvirtualization";
import {
  parseHostPoolId,
  parseUserSessionId,
  sameHostPool,
  type HostPoolRef,
  type UserSessionRef,
} from "./armResourceId";
import type { AvdClientFactory, AvdSubscriptionClient } from "./avdClient";
import { createConcurrencyLimiter, type ConcurrencyLimiter } from "./concurrencyLimiter";
import { userPrincipalNameFilter } from "./odataFilter";
import type { ReportedError, SessionOutcome, SessionResult, SignOutReport, SignOutStatus } from "./signOutReport";
import { toUpstreamError, type UpstreamError } from "./upstreamError";
import { sameUserPrincipalName } from "./userPrincipalName";

export interface SignOutUserOptions {
  readonly userPrincipalName: string;
  readonly dryRun: boolean;
  readonly subscriptionIds: readonly string[];
  readonly clientFor: AvdClientFactory;
  readonly maxConcurrencyPerSubscription: number;
  /** Ask the service to filter by UPN too; the client-side check runs regardless. */
  readonly serverSideFilter: boolean;
  /** Aborted at the deadline: in-flight calls are cancelled and the report is partial. */
  readonly abortSignal: AbortSignal;
  readonly now: () => number;
  readonly operationId: string;
}

interface Run {
  readonly options: SignOutUserOptions;
  readonly sessions: SessionResult[];
  readonly errors: ReportedError[];
  /** Lower-cased resource ids, so that a session listed twice (paging shifts) is deleted once. */
  readonly seen: Set<string>;
  hostPoolsScanned: number;
}

const notFoundStatus = 404;
const noContentStatus = 204;

/**
 * Signs the user out of every session in every host pool of the given subscriptions: one listing
 * of host pools per subscription, one listing of sessions per host pool, one delete per matching
 * session, all behind a per-subscription concurrency bound. Failures are recorded, never thrown.
 */
export async function signOutUser(options: SignOutUserOptions): Promise<SignOutReport> {
  const startedAtMs = options.now();
  const run: Run = { options, sessions: [], errors: [], seen: new Set(), hostPoolsScanned: 0 };

  await Promise.all(options.subscriptionIds.map((subscriptionId) => signOutInSubscription(run, subscriptionId)));

  return buildReport(run, startedAtMs);
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
        hostPoolScans.push(scanHostPool(run, client, limiter, ref));
      }
    }
  } catch (error) {
    run.errors.push({ scope: "subscription", subscriptionId, ...toUpstreamError(error) });
  }
  await Promise.all(hostPoolScans);
}

async function scanHostPool(
  run: Run,
  client: AvdSubscriptionClient,
  limiter: ConcurrencyLimiter,
  hostPool: HostPoolRef,
): Promise<void> {
  const { options } = run;
  // Deletes wait until the listing is complete: the service pages by offset, so removing a session
  // from an earlier page would shift a later page and hide one of the user's sessions from us.
  const matches: MatchedSession[] = [];
  try {
    const pages = client.userSessions
      .listByHostPool(hostPool.resourceGroup, hostPool.hostPool, {
        abortSignal: options.abortSignal,
        ...(options.serverSideFilter ? { filter: userPrincipalNameFilter(options.userPrincipalName) } : {}),
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
    run.hostPoolsScanned++;
  } catch (error) {
    run.errors.push({ scope: "hostPool", ...hostPool, ...toUpstreamError(error) });
  }
  await Promise.all(matches.map((match) => signOutSession(run, client, limiter, match)));
}

interface MatchedSession {
  readonly ref: UserSessionRef;
  readonly userPrincipalName: string;
  readonly sessionState: string;
}

function matchSession(run: Run, hostPool: HostPoolRef, session: UserSession): MatchedSession | undefined {
  const upn = session.userPrincipalName;
  // The service filter (if any) is advisory; this comparison alone decides who is signed out.
  if (upn === undefined || !sameUserPrincipalName(upn, run.options.userPrincipalName)) return undefined;
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
  return { ref, userPrincipalName: upn, sessionState: session.sessionState ?? "Unknown" };
}

async function signOutSession(
  run: Run,
  client: AvdSubscriptionClient,
  limiter: ConcurrencyLimiter,
  session: MatchedSession,
): Promise<void> {
  const { options } = run;
  if (options.dryRun) {
    recordSession(run, session, "wouldSignOut");
    return;
  }
  const { resourceGroup, hostPool, sessionHost, sessionId } = session.ref;
  let status: number | undefined;
  try {
    await limiter.run(() =>
      client.userSessions.delete(resourceGroup, hostPool, sessionHost, sessionId, {
        force: true,
        abortSignal: options.abortSignal,
        onResponse: (response) => {
          status = response.status;
        },
      }),
    );
    recordSession(run, session, status === noContentStatus ? "alreadyGone" : "signedOut");
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
  run.sessions.push({
    ...session.ref,
    userPrincipalName: session.userPrincipalName,
    sessionState: session.sessionState,
    outcome,
    ...(error === undefined ? {} : { error }),
  });
}

function compareSessions(a: SessionResult, b: SessionResult): number {
  const keyA = [a.subscriptionId, a.resourceGroup, a.hostPool, a.sessionHost, a.sessionId].join("/").toLowerCase();
  const keyB = [b.subscriptionId, b.resourceGroup, b.hostPool, b.sessionHost, b.sessionId].join("/").toLowerCase();
  return keyA.localeCompare(keyB, "en", { numeric: true });
}

function decideStatus(run: Run): SignOutStatus {
  const deadlineHit = run.errors.some((error) => error.code === "DeadlineExceeded");
  if (deadlineHit) return "deadlineExceeded";
  return run.errors.length > 0 ? "failed" : "completed";
}

function buildReport(run: Run, startedAtMs: number): SignOutReport {
  const sessions = [...run.sessions].sort(compareSessions);
  const count = (outcome: SessionOutcome): number => sessions.filter((session) => session.outcome === outcome).length;
  return {
    operationId: run.options.operationId,
    userPrincipalName: run.options.userPrincipalName,
    dryRun: run.options.dryRun,
    status: decideStatus(run),
    startedAt: new Date(startedAtMs).toISOString(),
    durationMs: Math.max(0, Math.round(run.options.now() - startedAtMs)),
    counts: {
      subscriptions: run.options.subscriptionIds.length,
      hostPoolsScanned: run.hostPoolsScanned,
      sessionsFound: sessions.length,
      signedOut: count("signedOut"),
      alreadyGone: count("alreadyGone"),
      wouldSignOut: count("wouldSignOut"),
      failed: count("failed"),
      deadlineExceeded: count("deadlineExceeded"),
    },
    sessions,
    errors: run.errors,
  };
}
