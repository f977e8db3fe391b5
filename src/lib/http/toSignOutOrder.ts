import { secondsToMs } from "../base/duration";
import type { Caller } from "../engine/report";
import type { SignOutOrder } from "../engine/signOutOrder";
import type { RequestedUser } from "../engine/requestedUser";
import type { SignOutRequest } from "./signOutRequest";

/** One user, a list of UPNs, or a list of users: the engine sees users. */
function usersOf(parsed: SignOutRequest): RequestedUser[] {
  if (parsed.users !== undefined) return parsed.users;
  if (parsed.userPrincipalNames !== undefined) {
    return parsed.userPrincipalNames.map((userPrincipalName) => ({ userPrincipalName }));
  }
  if (parsed.userPrincipalName === undefined && parsed.userObjectId === undefined) return [];
  return [
    {
      ...(parsed.userPrincipalName === undefined ? {} : { userPrincipalName: parsed.userPrincipalName }),
      ...(parsed.userObjectId === undefined ? {} : { objectId: parsed.userObjectId }),
    },
  ];
}

/**
 * The one translation from a validated request to the engine's order, for synchronous and
 * asynchronous calls alike: defaults are applied and seconds become milliseconds here only.
 * Verification costs a round trip, which a caller waiting on the answer pays and a queued job does
 * not: asynchronous requests verify unless they say otherwise, synchronous ones only when asked.
 */
export function toSignOutOrder(
  parsed: SignOutRequest,
  context: {
    readonly operationId: string;
    readonly configuredSubscriptionIds: readonly string[];
    readonly caller: Caller | undefined;
    readonly asynchronous: boolean;
  },
): SignOutOrder {
  return {
    operationId: context.operationId,
    users: usersOf(parsed),
    batch: parsed.userPrincipalNames !== undefined || parsed.users !== undefined,
    mode: parsed.mode ?? "logoff",
    dryRun: parsed.dryRun,
    notify: parsed.notify,
    gracePeriodMs: secondsToMs(parsed.gracePeriodSeconds ?? 0),
    verify: parsed.verify ?? context.asynchronous,
    subscriptionIds: parsed.subscriptionIds ?? context.configuredSubscriptionIds,
    hostPools: parsed.hostPools,
    audit: { requestedBy: parsed.requestedBy, reason: parsed.reason, caller: context.caller },
  };
}
