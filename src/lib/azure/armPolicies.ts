import { RestError, type PipelinePolicy, type PipelineRequest } from "@azure/core-rest-pipeline";
import type { ArmBudget, ArmRequestKind } from "./armBudget";
import { isUserSessionActionPath } from "./armResourceId";

/** Refusals raised before anything is sent; the engine reports them as failures of their scope. */
export const foreignOriginCode = "ForeignOriginRefused";
export const unexpectedActionPathCode = "UnexpectedActionPathRefused";

function refuse(code: string, message: string, request: PipelineRequest): RestError {
  // No status code: nothing was sent, so no answer exists to report.
  return new RestError(message, { code, request });
}

/**
 * Every request of every ARM client passes here before the token is attached: the bearer token
 * goes to the configured ARM origin only — a `nextLink` pointing elsewhere is refused — and the
 * only writes the app can make are on user sessions, whatever id a listing handed us.
 */
export function armGuardPolicy(resourceManagerEndpoint: string): PipelinePolicy {
  const armOrigin = new URL(resourceManagerEndpoint).origin;
  // A URL that starts with the origin and a slash has that origin (the authority ends at the
  // first slash): reads need no parsing. Anything else, ARM's `:443` nextLinks included, is parsed.
  const readPrefix = `${armOrigin}/`;
  return {
    name: "avdUserSignoutArmGuard",
    sendRequest: (request, next) => {
      if (request.method === "GET" && request.url.startsWith(readPrefix)) return next(request);
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

/** The subscription segment of an absolute URL's path, read without parsing the URL. */
const subscriptionInUrl = /^[^:/?#]+:\/\/[^/?#]*\/subscriptions\/([^/?#]+)/i;

/** Takes a token of the instance's ARM budget for each attempt, retries included. */
export function armBudgetPolicy(budget: ArmBudget): PipelinePolicy {
  return {
    name: "avdUserSignoutArmBudget",
    sendRequest: async (request, next) => {
      const subscriptionId = subscriptionInUrl.exec(request.url)?.[1] ?? "tenant";
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
