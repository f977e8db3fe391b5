/** What a gate holds back: ARM calls matching these fields, or token requests. */
export interface GateMatch {
  readonly operation?: string;
  readonly subscriptionId?: string;
  readonly hostPool?: string;
  readonly method?: string;
  /** Holds the managed-identity endpoint's token requests instead of ARM calls. */
  readonly tokens?: true;
  /** Holds only the first this many matching requests; later ones pass. */
  readonly limit?: number;
  /** Lets this many matching requests through before holding any (a crash after the nth write). */
  readonly skip?: number;
}

export interface RequestGate {
  /** Resolves once this many matching requests are being held (1 by default). */
  arrived(count?: number): Promise<void>;
  /** Requests held right now. */
  held(): number;
  /** Lets every held request (and every later one) through. */
  release(): void;
}

interface GateEntry {
  readonly match: GateMatch;
  open: boolean;
  caught: number;
  skipped: number;
  readonly waiting: Array<() => void>;
  readonly watchers: Array<{ count: number; resolve: () => void }>;
}

export interface RequestFields {
  readonly operation: string;
  readonly method: string;
  readonly subscriptionId?: string | undefined;
  readonly hostPool?: string | undefined;
}

/**
 * Test gates: hold matching requests until the test releases them, so that tests of concurrency
 * (a request arriving while a listing is in flight, a token endpoint that does not answer) are
 * decided by the test's order of events, never by timing.
 */
export class RequestGates {
  private readonly gates: GateEntry[] = [];

  add(match: GateMatch): RequestGate {
    const entry: GateEntry = { match, open: false, caught: 0, skipped: 0, waiting: [], watchers: [] };
    this.gates.push(entry);
    const notify = (): void => {
      for (const watcher of entry.watchers.filter((w) => entry.waiting.length >= w.count)) {
        entry.watchers.splice(entry.watchers.indexOf(watcher), 1);
        watcher.resolve();
      }
    };
    (entry as { notify?: () => void }).notify = notify;
    return {
      arrived: (count = 1) =>
        new Promise<void>((resolve) => {
          entry.watchers.push({ count, resolve });
          notify();
        }),
      held: () => entry.waiting.length,
      release: () => {
        entry.open = true;
        for (const go of entry.waiting.splice(0)) go();
      },
    };
  }

  clear(): void {
    for (const entry of this.gates.splice(0)) {
      entry.open = true;
      for (const go of entry.waiting.splice(0)) go();
    }
  }

  /** Resolves when no closed gate matches the request. */
  pass(fields: RequestFields | "token"): Promise<void> {
    const entry = this.gates.find(
      (gate) => !gate.open && gate.caught < (gate.match.limit ?? Infinity) && matches(gate.match, fields),
    );
    if (entry === undefined) return Promise.resolve();
    if (entry.skipped < (entry.match.skip ?? 0)) {
      entry.skipped++;
      return Promise.resolve();
    }
    entry.caught++;
    return new Promise<void>((resolve) => {
      entry.waiting.push(resolve);
      (entry as { notify?: () => void }).notify?.();
    });
  }
}

function matches(match: GateMatch, fields: RequestFields | "token"): boolean {
  if (fields === "token") return match.tokens === true;
  if (match.tokens === true) return false;
  const same = (a: string | undefined, b: string | undefined): boolean =>
    a === undefined || a.toLowerCase() === (b ?? "").toLowerCase();
  return (
    same(match.operation, fields.operation) &&
    same(match.method, fields.method) &&
    same(match.subscriptionId, fields.subscriptionId) &&
    same(match.hostPool, fields.hostPool)
  );
}
