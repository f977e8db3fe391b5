/** Aborts when every one of the signals has: shared work goes on while anyone still waits for it. */
export function whenAllAborted(signals: readonly AbortSignal[]): AbortSignal {
  const controller = new AbortController();
  let left = signals.length;
  const onAbort = (): void => {
    left--;
    if (left === 0) controller.abort();
  };
  for (const signal of signals) {
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  }
  if (signals.length === 0) controller.abort();
  return controller.signal;
}
