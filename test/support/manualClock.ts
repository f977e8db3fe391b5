import { setTimeout as delay } from "node:timers/promises";
import { abortError, type Clock } from "../../src/lib/base/clock";

interface Timer {
  readonly dueMs: number;
  readonly resolve: () => void;
}

/** A clock the test moves: sleeps end only when `advance` passes their time. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  /** Sleeps not yet due. */
  pending(): number;
  /** How long each pending sleep has left. */
  remaining(): number[];
}

export function createManualClock(startMs = Date.UTC(2026, 10, 25, 9, 0, 0)): ManualClock {
  let nowMs = startMs;
  let timers: Timer[] = [];
  return {
    now: () => nowMs,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(abortError());
          return;
        }
        const timer: Timer = {
          dueMs: nowMs + ms,
          resolve: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        const onAbort = (): void => {
          timers = timers.filter((other) => other !== timer);
          reject(abortError());
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        timers.push(timer);
      }),
    advance(ms) {
      nowMs += ms;
      const due = timers.filter((timer) => timer.dueMs <= nowMs);
      timers = timers.filter((timer) => timer.dueMs > nowMs);
      for (const timer of due) timer.resolve();
    },
    pending: () => timers.length,
    remaining: () => timers.map((timer) => timer.dueMs - nowMs),
  };
}

/** Waits (bounded, by turns of the event loop, never by time) until a condition on state holds. */
export async function eventually(
  condition: () => boolean,
  what: string | (() => string),
  turns = 500_000,
): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${typeof what === "string" ? what : what()}`);
}

/**
 * Waits until a condition on another process holds (its exit, say), which no event in this one
 * reports: polled, and bounded by time, since turns of this event loop say nothing of how fast
 * another process runs on a loaded machine.
 */
export async function eventuallyElsewhere(condition: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`never happened within ${limitMs} ms: ${what}`);
    await delay(20);
  }
}

/**
 * A lone request opens its scan at once (no gathering window while nothing else is in flight):
 * this waits until it has set its deadline, the sleep that stands while it works.
 */
export async function openScan(clock: ManualClock): Promise<void> {
  await eventually(
    () => clock.pending() >= 1,
    () => `the request to set its deadline (${clock.pending()} sleeps)`,
  );
}

/**
 * Runs work to its end on a manual clock: whenever more than `standing` sleeps are pending (a
 * request's deadline stands the whole time), the clock moves to the earliest one's end — which is
 * the deadline's, once nothing else comes first.
 */
export async function settle<T>(clock: ManualClock, work: Promise<T>, standing = 0, steps = 10_000): Promise<T> {
  let done = false;
  const finished = work.finally(() => {
    done = true;
  });
  for (let step = 0; !done; step++) {
    if (step === steps) throw new Error(`the work was still sleeping after the clock moved ${steps} times`);
    await eventually(
      () => done || clock.pending() > standing,
      () => `the work to sleep or finish (${clock.pending()} sleeps)`,
    );
    if (!done) clock.advance(Math.min(...clock.remaining()));
  }
  return finished;
}
