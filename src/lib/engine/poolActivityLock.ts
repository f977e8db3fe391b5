import { abortError } from "../base/clock";

type Activity = "listing" | "deleting";

interface Waiter {
  readonly activity: Activity;
  readonly start: () => void;
}

interface PoolState {
  activity: Activity | undefined;
  running: number;
  readonly queue: Waiter[];
}

/**
 * The service pages user sessions by offset, so a delete in a host pool while a listing of that
 * pool is between pages shifts the later pages and hides a session from the listing. Listings of a
 * pool and deletes in it therefore never overlap, across requests and scans; any number of either
 * may run together. Waiters are served in arrival order, so neither side starves the other.
 */
export interface PoolActivityLock {
  run<T>(poolKey: string, activity: Activity, task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function createPoolActivityLock(): PoolActivityLock {
  const pools = new Map<string, PoolState>();

  const admit = (key: string, state: PoolState): void => {
    while (state.queue.length > 0) {
      const next = state.queue[0]!;
      if (state.running > 0 && state.activity !== next.activity) return;
      state.queue.shift();
      state.activity = next.activity;
      state.running++;
      next.start();
    }
    if (state.running === 0) pools.delete(key);
  };

  return {
    async run(poolKey, activity, task, signal) {
      if (signal?.aborted) throw abortError();
      let state = pools.get(poolKey);
      if (state === undefined) {
        state = { activity: undefined, running: 0, queue: [] };
        pools.set(poolKey, state);
      }
      const pool = state;
      if (pool.queue.length === 0 && (pool.running === 0 || pool.activity === activity)) {
        pool.activity = activity;
        pool.running++;
      } else {
        await new Promise<void>((resolve, reject) => {
          const waiter: Waiter = {
            activity,
            start: () => {
              signal?.removeEventListener("abort", onAbort);
              resolve();
            },
          };
          const onAbort = (): void => {
            const index = pool.queue.indexOf(waiter);
            if (index >= 0) pool.queue.splice(index, 1);
            admit(poolKey, pool);
            reject(abortError());
          };
          signal?.addEventListener("abort", onAbort, { once: true });
          pool.queue.push(waiter);
        });
      }
      try {
        return await task();
      } finally {
        pool.running--;
        admit(poolKey, pool);
      }
    },
  };
}
