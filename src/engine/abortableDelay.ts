import { setTimeout as delay } from "node:timers/promises";

/** Waits `ms`, or rejects with an AbortError as soon as the signal aborts (the request deadline). */
export async function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}
