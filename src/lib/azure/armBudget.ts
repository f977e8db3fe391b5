import { abortError, type AbortSignalLike, type Clock } from "../base/clock";
import { onAbort } from "../base/onAbort";

/** ARM's token buckets: one per subscription (and principal) for each kind of request. */
export type ArmRequestKind = "read" | "delete" | "write";

export interface TokenBucketLimits {
  readonly burst: number;
  readonly perSecond: number;
}

export interface ArmBudgetLimits {
  readonly read: TokenBucketLimits;
  readonly delete: TokenBucketLimits;
  readonly write: TokenBucketLimits;
  /** Requests in flight to the ARM host at once, across every subscription. */
  readonly maxInFlight: number;
}

export interface ArmBudgetTicket {
  readonly subscriptionId: string;
  readonly kind: ArmRequestKind;
}

export interface ArmBudget {
  /**
   * Waits for a token of the ticket's bucket and a free slot, then holds the slot until `release`.
   * Deletes and writes go ahead of reads: a storm's sign-outs must not starve behind its scans.
   */
  acquire(ticket: ArmBudgetTicket, signal?: AbortSignalLike): Promise<() => void>;
  /** Reads and actions waiting, for tests and the benchmark. */
  readonly waiting: { readonly reads: number; readonly actions: number };
  /** Requests holding a slot now. */
  readonly inFlight: number;
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
  readonly limits: TokenBucketLimits;
  /** The last pass of `pump` that refilled it, and the last that found it empty. */
  refilledInPass: number;
  emptyInPass: number;
}

interface Waiter {
  readonly bucket: Bucket;
  readonly grant: (release: () => void) => void;
  granted: boolean;
  stopListening: () => void;
}

/**
 * One budget per instance, shared by every request: N concurrent requests then cost what ARM
 * allows rather than N times it (429s the pipeline would have to sit out). The SDK pipeline still
 * owns 429 and Retry-After; this only keeps us from asking for them.
 */
export function createArmBudget(limits: ArmBudgetLimits, clock: Clock): ArmBudget {
  const buckets = new Map<string, Bucket>();
  const actions: Waiter[] = [];
  const reads: Waiter[] = [];
  let inFlight = 0;
  let passes = 0;
  let wakeUp: AbortController | undefined;

  const bucketFor = (ticket: ArmBudgetTicket): Bucket => {
    const key = `${ticket.subscriptionId.toLowerCase()}/${ticket.kind}`;
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      const bucketLimits = limits[ticket.kind];
      bucket = {
        tokens: bucketLimits.burst,
        updatedAtMs: clock.now(),
        limits: bucketLimits,
        refilledInPass: 0,
        emptyInPass: 0,
      };
      buckets.set(key, bucket);
    }
    return bucket;
  };

  const refill = (bucket: Bucket, now: number): void => {
    bucket.tokens = Math.min(
      bucket.limits.burst,
      bucket.tokens + ((now - bucket.updatedAtMs) / 1000) * bucket.limits.perSecond,
    );
    bucket.updatedAtMs = now;
  };

  const release = (): void => {
    inFlight--;
    pump();
  };

  /** Grants what can go now, in priority order; otherwise sleeps until the next token is due. */
  const pump = (): void => {
    let soonestMs = Number.POSITIVE_INFINITY;
    // A storm queues hundreds of waiters behind one empty bucket: look at each bucket once a pass
    // (a pass number on the bucket rather than sets of them: this runs for every call).
    const now = clock.now();
    const pass = ++passes;
    for (const queue of [actions, reads]) {
      for (let index = 0; index < queue.length && inFlight < limits.maxInFlight;) {
        const waiter = queue[index]!;
        const bucket = waiter.bucket;
        if (bucket.refilledInPass !== pass) {
          refill(bucket, now);
          bucket.refilledInPass = pass;
        }
        if (bucket.emptyInPass === pass) {
          index++;
        } else if (bucket.tokens >= 1) {
          bucket.tokens -= 1;
          inFlight++;
          queue.splice(index, 1);
          waiter.granted = true;
          waiter.stopListening();
          waiter.grant(once(release));
        } else {
          bucket.emptyInPass = pass;
          soonestMs = Math.min(soonestMs, ((1 - bucket.tokens) / bucket.limits.perSecond) * 1000);
          index++;
        }
      }
    }
    if (Number.isFinite(soonestMs) && inFlight < limits.maxInFlight && wakeUp === undefined) {
      const controller = new AbortController();
      wakeUp = controller;
      clock.sleep(Math.max(1, Math.ceil(soonestMs)), controller.signal).then(
        () => {
          wakeUp = undefined;
          pump();
        },
        () => undefined,
      );
    }
  };

  return {
    get waiting() {
      return { reads: reads.length, actions: actions.length };
    },
    get inFlight() {
      return inFlight;
    },
    acquire(ticket, signal) {
      if (signal?.aborted) return Promise.reject(abortError());
      return new Promise((resolve, reject) => {
        const queue = ticket.kind === "read" ? reads : actions;
        const waiter: Waiter = {
          bucket: bucketFor(ticket),
          grant: resolve,
          granted: false,
          stopListening: () => undefined,
        };
        queue.push(waiter);
        // A new waiter may be grantable at once; a pending wake-up is for a later token.
        pump();
        // Only a waiter that has to wait listens for the deadline, through the signal's one
        // listener: a request's thousand waiters share its signal.
        if (!waiter.granted && signal !== undefined) {
          waiter.stopListening = onAbort(signal, () => {
            const index = queue.indexOf(waiter);
            if (index >= 0) queue.splice(index, 1);
            reject(abortError());
          });
        }
      });
    },
  };
}

function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    fn();
  };
}
