/** A promise the test opens: work that awaits `promise` goes on only after `open()`. */
export interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}

export function createGate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** What has become of a promise so far, readable without awaiting it (a test must not hang on it). */
export interface Watched<T> {
  readonly settled: boolean;
  readonly value: T | undefined;
  readonly error: unknown;
}

export function watch<T>(promise: Promise<T>): Watched<T> {
  const state: { settled: boolean; value: T | undefined; error: unknown } = {
    settled: false,
    value: undefined,
    error: undefined,
  };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

/** Lets every promise callback already due run: one turn of the event loop, no time passes. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
