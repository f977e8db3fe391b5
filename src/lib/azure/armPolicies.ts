import { RestError, type PipelinePolicy, type PipelineRequest } from "@azure/core-rest-pipeline";
import type { ArmBudget, ArmRequestKind } from "./armBudget";
import { isUserSessionActionPath, subscriptionOfPath, subscriptionOfUrl } from "./armResourceId";

/** Refusals raised before anything is sent; the engine reports them as failures of their scope. */
export const foreignOriginCode = "ForeignOriginRefused";
export const unexpectedActionPathCode = "UnexpectedActionPathRefused";
/** A request, listed resource or nextLink outside the subscriptions it may be in. */
export const foreignSubscriptionCode = "ForeignSubscriptionRefused";

function refuse(code: string, message: string, request: PipelineRequest): RestError {
  // No status code: nothing was sent, so no answer exists to report.
  return new RestError(message, { code, request });
}

/**
 * Every request of every ARM client passes here before the token is attached: the bearer token
 * goes to the configured ARM origin only — a `nextLink` pointing elsewhere is refused — nothing is
 * read or changed outside the configured subscriptions, whatever id or nextLink a listing handed
 * us (a role assigned at a management group reaches further than `AVD_SUBSCRIPTION_IDS`), and the
 * only writes the app can make are on user sessions.
 */
export function armGuardPolicy(resourceManagerEndpoint: string, subscriptionIds: readonly string[]): PipelinePolicy {
  const armOrigin = new URL(resourceManagerEndpoint).origin;
  const allowed = new Set(subscriptionIds.map((id) => id.toLowerCase()));
  return {
    name: "avdUserSignoutArmGuard",
    sendRequest: (request, next) => {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        throw refuse(foreignOriginCode, "Refused a request with an unparsable URL.", request);
      }
      if (url.origin !== armOrigin) {
        throw refuse(
          foreignOriginCode,
          `Refused to send a request to ${url.origin}: only ${armOrigin} receives the token.`,
          request,
        );
      }
      const subscriptionId = subscriptionOfPath(url.pathname);
      if (subscriptionId === undefined || !allowed.has(subscriptionId)) {
        throw refuse(
          foreignSubscriptionCode,
          `Refused a request outside the configured subscriptions (AVD_SUBSCRIPTION_IDS): ${url.pathname}`,
          request,
        );
      }
      if (request.method !== "GET" && !isUserSessionActionPath(url.pathname)) {
        throw refuse(
          unexpectedActionPathCode,
          `Refused a ${request.method} that is not on a user session: ${url.pathname}`,
          request,
        );
      }
      return next(request);
    },
  };
}

export function armRequestKind(method: string): ArmRequestKind {
  if (method === "GET" || method === "HEAD") return "read";
  return method === "DELETE" ? "delete" : "write";
}

/** Takes a token of the instance's ARM budget for each attempt, retries included. */
export function armBudgetPolicy(budget: ArmBudget): PipelinePolicy {
  return {
    name: "avdUserSignoutArmBudget",
    sendRequest: async (request, next) => {
      const subscriptionId = subscriptionOfUrl(request.url) ?? "tenant";
      const release = await budget.acquire(
        { subscriptionId, kind: armRequestKind(request.method) },
        request.abortSignal,
      );
      try {
        return await next(request);
      } finally {
        release();
      }
    },
  };
}
