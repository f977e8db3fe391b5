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
