import type { EmulatorEngine, ThrottleCategory } from "../emulatorEngine";
import { armError, type ArmReply } from "./armReply";

/**
 * The throttling stage: one token from the subscription's bucket for this kind of call. Over the
 * limit, ARM's 429 with `Retry-After`; otherwise the remaining-budget header for the reply.
 */
export function throttleArmRequest(
  engine: EmulatorEngine,
  subscriptionId: string,
  method: string,
):
  | { readonly kind: "throttled"; readonly reply: ArmReply }
  | { readonly kind: "admitted"; readonly headers: Record<string, string> } {
  const category = throttleCategory(method);
  const throttle = engine.takeThrottleToken(subscriptionId, category, engine.now());
  if (throttle !== undefined && !throttle.ok) {
    return {
      kind: "throttled",
      reply: armError(
        429,
        "SubscriptionRequestsThrottled",
        `Number of '${category === "reads" ? "read" : category === "deletes" ? "delete" : "write"}' requests for subscription '${subscriptionId}' exceeded. Please try again after '${throttle.retryAfterSeconds}' seconds after the last request.`,
        { "retry-after": String(throttle.retryAfterSeconds) },
      ),
    };
  }
  return {
    kind: "admitted",
    headers:
      throttle === undefined
        ? {}
        : { [`x-ms-ratelimit-remaining-subscription-${category}`]: String(throttle.remaining) },
  };
}

function throttleCategory(method: string): ThrottleCategory {
  if (method === "GET" || method === "HEAD") return "reads";
  return method === "DELETE" ? "deletes" : "writes";
}
