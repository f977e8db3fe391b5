import type { AvdArm } from "../azure/avdClient";
import { toUpstreamError } from "../azure/upstreamError";
import { hostPoolKey } from "./sharedScan";
import type { SessionOutcome, SessionResult } from "./report/signOutReport";

/** Sessions that stayed although we acted: their host's status tells the operator what comes next. */
const stayedOutcomes: ReadonlySet<SessionOutcome> = new Set(["stillPresent", "failed"]);

/**
 * Adds `sessionHostStatus` to the sessions that stayed (still listed after the action, or whose
 * action failed), with one listing of each such host pool's session hosts. Only then: a request
 * whose sessions all went makes no extra call. A listing that fails costs the annotation only,
 * reported as a warning; the deadline (the signal) skips it.
 */
export async function readSessionHostStatus(
  sessions: readonly SessionResult[],
  arm: Pick<AvdArm, "listSessionHosts">,
  signal: AbortSignal,
): Promise<{ sessions: SessionResult[]; warnings: string[] }> {
  const stayed = sessions.filter((session) => stayedOutcomes.has(session.outcome));
  if (stayed.length === 0 || signal.aborted) return { sessions: [...sessions], warnings: [] };
  const pools = new Map(stayed.map((session) => [hostPoolKey(session), session]));
  const warnings: string[] = [];
  const statusByHost = new Map<string, string>();
  await Promise.all(
    [...pools].map(async ([poolKey, pool]) => {
      try {
        const hosts = await arm.listSessionHosts(pool, { abortSignal: signal });
        for (const host of hosts) {
          if (host.name !== undefined && host.status !== undefined) {
            statusByHost.set(`${poolKey}/${host.name.toLowerCase()}`, host.status);
          }
        }
      } catch (error) {
        const upstream = toUpstreamError(error);
        warnings.push(
          `The session hosts of host pool ${pool.resourceGroup}/${pool.hostPool} could not be listed to say why sessions stayed: ${upstream.code} ${upstream.message}`,
        );
      }
    }),
  );
  return {
    sessions: sessions.map((session) => {
      if (!stayedOutcomes.has(session.outcome)) return session;
      const status = statusByHost.get(`${hostPoolKey(session)}/${session.sessionHost.toLowerCase()}`);
      return status === undefined ? session : { ...session, sessionHostStatus: status };
    }),
    warnings,
  };
}
