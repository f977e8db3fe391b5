import { msToSeconds } from "../base/duration";
import { sessionKeyInHostPool } from "./report/sessionKey";
import { abortError, type Clock } from "../base/clock";
import type { HostPoolRef } from "../azure/armResourceId";
import { isAbortError, toUpstreamError, type UpstreamError } from "../azure/upstreamError";
import type { MatchedSession } from "./matchSessions";
import type { ScanMembership } from "./scanCoordinator";
import type { SharedScan } from "./sharedScan";
import type { SignOutMode } from "./signOutMode";
import type { ReportedError, SessionOutcome, SessionResult } from "./report/signOutReport";

/** What verification needs of the engine: the scan coordinator (to list as any request does) and the clock. */
export interface VerifyDependencies {
  readonly clock: Clock;
  readonly join: (signal: AbortSignal) => Promise<ScanMembership<SharedScan>>;
  /** How long to keep listing while an acted-on session is still listed; the signal (deadline) may end it first. */
  readonly verifyWindowMs: number;
}

/** The requested users' sessions in one host pool as a listing of the given scan shows them, or why it could not. */
export type ListRequestedSessions = (
  scan: SharedScan,
  hostPool: HostPoolRef,
) => Promise<
  | { readonly kind: "listed"; readonly sessions: readonly MatchedSession[] }
  | { readonly kind: "failed"; readonly error: UpstreamError }
>;

export interface ActedHostPool {
  /** As the host pool listing named it. */
  readonly hostPool: HostPoolRef;
  readonly sessions: readonly SessionResult[];
}

/**
 * The service lags: a session it removed can stay listed for a moment. So a session still listed is
 * looked for again after 1 s, 2 s, 4 s, then every 8 s, until the window closes.
 */
export const verifyBackoffMs = Object.freeze({ first: 1000, max: 8000 });

/** Outcomes where the service answered the action, and which a later listing should therefore bear out. */
const actedOutcomes: ReadonlySet<SessionOutcome> = new Set(["signedOut", "disconnected", "alreadyGone"]);

interface PoolUnderVerification {
  readonly hostPool: HostPoolRef;
  /** Acted-on sessions not yet confirmed → the state the latest listing showed them in (undefined: not listed yet). */
  readonly unconfirmed: Map<string, string | undefined>;
  /** The latest listing of the pool failed: the pool is not listed again, its sessions stay unconfirmed. */
  failed?: UpstreamError;
}

/**
 * Confirms that what the service answered as done is done: lists again each host pool where a
 * session was acted on — only those — and looks for each such session. Gone (or, in mode
 * disconnect, listed `Disconnected`) is `verified`; still there when the window closes is
 * `stillPresent`, a failure a retry acts on again. The listings are ordinary ones: each round joins
 * the scan coordinator as a request does, so concurrent requests share them and no listing of a
 * pool overlaps deletes in it. If the deadline comes first, what is unconfirmed is `deadlineExceeded`;
 * if a pool's listing fails, its sessions keep the action's outcome, unverified, and the failure is
 * reported.
 */
export async function verifySessions(
  pools: readonly ActedHostPool[],
  mode: SignOutMode,
  list: ListRequestedSessions,
  dependencies: VerifyDependencies,
  signal: AbortSignal,
): Promise<{ sessions: SessionResult[]; errors: ReportedError[] }> {
  const { clock } = dependencies;
  const underVerification = pools.map((pool): PoolUnderVerification => ({
    hostPool: pool.hostPool,
    unconfirmed: new Map(
      pool.sessions
        .filter((session) => actedOutcomes.has(session.outcome))
        .map((session) => [sessionKeyInHostPool(session), undefined]),
    ),
  }));
  const startedAtMs = clock.now();
  const closesAtMs = startedAtMs + dependencies.verifyWindowMs;
  let waitMs: number = verifyBackoffMs.first;
  let deadline: UpstreamError | undefined;
  for (;;) {
    const open = stillOpen(underVerification);
    if (open.length === 0) break;
    try {
      await listRound(open, mode, list, dependencies, signal);
    } catch (error) {
      if (!isAbortError(error)) throw error;
      deadline = toUpstreamError(error);
      break;
    }
    const now = clock.now();
    if (now >= closesAtMs || stillOpen(underVerification).length === 0) break;
    try {
      await clock.sleep(Math.min(waitMs, closesAtMs - now), signal);
    } catch (error) {
      if (!isAbortError(error)) throw error;
      deadline = toUpstreamError(error);
      break;
    }
    waitMs = Math.min(waitMs * 2, verifyBackoffMs.max);
  }

  const waitedSeconds = msToSeconds(clock.now() - startedAtMs);
  const errors: ReportedError[] = [];
  const sessions = pools.flatMap((pool, index) => {
    const verified = underVerification[index]!;
    if (verified.failed !== undefined && verified.unconfirmed.size > 0) {
      errors.push({
        scope: "hostPool",
        ...pool.hostPool,
        ...verified.failed,
        message: `The listing that verifies the actions in this host pool failed: ${verified.failed.message}`,
      });
    }
    return pool.sessions.map((session): SessionResult => {
      const key = sessionKeyInHostPool(session);
      if (!actedOutcomes.has(session.outcome)) return session;
      if (!verified.unconfirmed.has(key)) return { ...session, verified: true };
      if (deadline !== undefined) return { ...session, outcome: "deadlineExceeded", error: deadline };
      const listedState = verified.unconfirmed.get(key);
      if (verified.failed !== undefined || listedState === undefined) return session;
      return {
        ...session,
        outcome: "stillPresent",
        error: stillPresentError(session, listedState, mode, waitedSeconds),
      };
    });
  });
  return { sessions, errors };
}

/** Pools with sessions still to confirm whose listing has not failed. */
function stillOpen(pools: readonly PoolUnderVerification[]): PoolUnderVerification[] {
  return pools.filter((pool) => pool.unconfirmed.size > 0 && pool.failed === undefined);
}

/** One round: joins the next scan, lists the given pools in it, and records what each listing shows. */
async function listRound(
  pools: readonly PoolUnderVerification[],
  mode: SignOutMode,
  list: ListRequestedSessions,
  dependencies: VerifyDependencies,
  signal: AbortSignal,
): Promise<void> {
  const membership = await dependencies.join(signal);
  // Leaving the scan once listed lets the next one open for whoever waits.
  const listings = await Promise.all(pools.map((pool) => list(membership.scan, pool.hostPool))).finally(
    membership.doneListing,
  );
  // A listing cut short by the deadline reads as failed; it is the deadline.
  if (signal.aborted) throw abortError();
  pools.forEach((pool, index) => {
    const listing = listings[index]!;
    if (listing.kind === "failed") {
      pool.failed = listing.error;
      return;
    }
    const listed = new Map(
      listing.sessions.map((session) => [sessionKeyInHostPool(session.ref), session.sessionState]),
    );
    for (const key of [...pool.unconfirmed.keys()]) {
      const sessionState = listed.get(key);
      const done = sessionState === undefined || (mode === "disconnect" && isDisconnected(sessionState));
      if (done) pool.unconfirmed.delete(key);
      else pool.unconfirmed.set(key, sessionState);
    }
  });
}

function isDisconnected(sessionState: string): boolean {
  return sessionState.toLowerCase() === "disconnected";
}

function stillPresentError(
  session: SessionResult,
  listedState: string,
  mode: SignOutMode,
  waitedSeconds: number,
): UpstreamError {
  const action = mode === "disconnect" ? "disconnect" : "log off";
  const answered = session.upstreamStatus === undefined ? "success" : String(session.upstreamStatus);
  return {
    code: "SessionStillPresent",
    statusCode: undefined,
    message: `The service answered the ${action} with ${answered}, but the session was still listed (${listedState}) ${waitedSeconds} s later; a retry acts on it again.`,
  };
}
