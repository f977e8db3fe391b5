import { onAbort } from "./onAbort";

/** Time as the engine sees it: injected so that tests drive it instead of waiting on it. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with an AbortError when the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortError());
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

export function abortError(message = "The operation was aborted."): Error {
  const error = new Error(message);
  error.name = "AbortError";
  return error;
}

/** The part of an abort signal that waiting needs; the Azure pipeline's signals are of this shape. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** A signal that aborts `ms` from now on the clock; `dispose` cancels the timer once the work is done. */
export function deadlineSignal(clock: Clock, ms: number): { readonly signal: AbortSignal; dispose(): void } {
  const deadline = new AbortController();
  const timer = new AbortController();
  clock.sleep(ms, timer.signal).then(
    () => deadline.abort(abortError("The request deadline was reached.")),
    () => undefined,
  );
  return { signal: deadline.signal, dispose: () => timer.abort() };
}

/** Stops waiting (not the work: others may share it) when this caller's signal aborts. */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignalLike,
  reason: () => Error = () => abortError(),
): Promise<T> {
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    // A request waits on hundreds of shared listings at once: one listener on its signal for all.
    const stopListening = onAbort(signal, () => reject(reason()));
    work.then(
      (value) => {
        stopListening();
        resolve(value);
      },
      (error: unknown) => {
        stopListening();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
