import { msToSecondsAtLeast } from "../base/duration";

/** The route of the status function, under the host's default `api` prefix. */
export const operationStatusRoute = "avd/user-signout/operations/{operationId}";

/**
 * Absolute, as the asynchronous pattern requires, and self-authorising: it carries the operation's
 * own token rather than the function key, which the caller's poller would not send.
 */
export function statusUrlFor(requestUrl: string, operationId: string, token: string): string {
  const origin = new URL(requestUrl).origin;
  return `${origin}/api/avd/user-signout/operations/${encodeURIComponent(operationId)}?token=${encodeURIComponent(token)}`;
}

/** Poll every 10 s; during a grace period, just after it ends (at most 10 minutes ahead). */
export function retryAfterSeconds(waitingUntil: number | undefined, now: number): number {
  if (waitingUntil === undefined || waitingUntil <= now) return 10;
  return Math.min(600, Math.max(10, msToSecondsAtLeast(waitingUntil - now) + 5));
}

/** While Storage cannot be read or written: long enough for a blip to pass, short enough to notice the end. */
export const storageRetryAfterSeconds = 15;
