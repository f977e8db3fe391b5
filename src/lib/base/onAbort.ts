import type { AbortSignalLike } from "./clock";

const listenersBySignal = new WeakMap<AbortSignalLike, Set<() => void>>();

/**
 * Calls `listener` once when the signal aborts; the returned function removes it. However many
 * listeners a signal is given, it holds one of its own: an EventTarget searches its listeners on
 * every add and remove, so a request's thousand calls each adding and removing one cost quadratic
 * time. The caller checks `signal.aborted` first.
 */
export function onAbort(signal: AbortSignalLike, listener: () => void): () => void {
  let listeners = listenersBySignal.get(signal);
  if (listeners === undefined) {
    const created = new Set<() => void>();
    listeners = created;
    listenersBySignal.set(signal, created);
    signal.addEventListener(
      "abort",
      () => {
        listenersBySignal.delete(signal);
        for (const each of created) each();
        created.clear();
      },
      { once: true },
    );
  }
  // An entry of its own, so that the same function added twice is removed once.
  const entry = (): void => listener();
  const own = listeners;
  own.add(entry);
  return () => {
    own.delete(entry);
  };
}

/**
 * A signal of its own for one call, aborted (with the same reason) when `signal` is, through that
 * signal's one listener: the HTTP client then adds and removes its listener on a signal nobody else
 * listens to. `dispose` once the call is over.
 */
export function callSignal(signal: AbortSignal): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (signal.aborted) {
    controller.abort(signal.reason);
    return { signal: controller.signal, dispose: () => undefined };
  }
  const dispose = onAbort(signal, () => controller.abort(signal.reason));
  return { signal: controller.signal, dispose };
}
