import { abortError, type Clock } from "../base/clock";

/** One shared round of listings: every member joined before it opened. */
export interface ScanMembership<TScan> {
  readonly scan: TScan;
  /** The member has every listing it needs: once all members have, the next scan may open. */
  readonly doneListing: () => void;
}

export interface ScanCoordinator<TScan> {
  /**
   * Waits for the next scan to open and joins it. Rejects with an AbortError, having touched
   * nothing, when the signal aborts first.
   */
  join(signal: AbortSignal): Promise<ScanMembership<TScan>>;
  /**
   * Counts a request as in flight until the returned function is called: a scan waits out the
   * gathering window only while some request in flight is not already waiting to join.
   */
  enter(): () => void;
}

export interface ScanCoordinatorOptions<TScan> {
  readonly clock: Clock;
  /** How long the first waiter holds the door for others in flight; a lone request does not wait. */
  readonly gatherMs: number;
  /** Makes the listings of one scan; `signals` are the members', for cancelling shared work. */
  readonly openScan: (signals: readonly AbortSignal[]) => TScan;
}

interface Waiting<TScan> {
  readonly signal: AbortSignal;
  readonly admit: (membership: ScanMembership<TScan>) => void;
}

/**
 * Group commit for sign-outs. A request is served only by listings that start after it arrived,
 * so nothing that existed when it arrived is missed: requests that arrive while a scan is listing
 * wait for the next one, which opens once the running scan's members have all finished listing,
 * and then lists once for all of them. A request that finds no scan listing opens one at once when
 * nothing else is in flight; when others are (acting, verifying), it holds the door for the
 * gathering window first, since they may join within it.
 */
export function createScanCoordinator<TScan>(options: ScanCoordinatorOptions<TScan>): ScanCoordinator<TScan> {
  let waiting: Waiting<TScan>[] = [];
  let listingMembers = 0;
  let opening = false;
  let inFlight = 0;

  /**
   * Requests that waited out a running scan have gathered already; so have requests when everyone
   * in flight is among them. Otherwise the first holds the door for the gathering window.
   */
  const maybeOpen = (afterScan: boolean): void => {
    if (opening || listingMembers > 0 || waiting.length === 0) return;
    if (afterScan || inFlight <= waiting.length) {
      open();
      return;
    }
    opening = true;
    options.clock.sleep(options.gatherMs).then(open, open);
  };

  const open = (): void => {
    opening = false;
    const members = waiting.filter((member) => !member.signal.aborted);
    waiting = [];
    if (members.length === 0) return;
    const scan = options.openScan(members.map((member) => member.signal));
    listingMembers = members.length;
    for (const member of members) {
      let done = false;
      member.admit({
        scan,
        doneListing: () => {
          if (done) return;
          done = true;
          listingMembers--;
          maybeOpen(true);
        },
      });
    }
  };

  return {
    enter() {
      inFlight++;
      let left = false;
      return () => {
        if (left) return;
        left = true;
        inFlight--;
      };
    },
    join(signal) {
      if (signal.aborted) return Promise.reject(abortError());
      return new Promise((resolve, reject) => {
        const member: Waiting<TScan> = {
          signal,
          admit: (membership) => {
            signal.removeEventListener("abort", onAbort);
            resolve(membership);
          },
        };
        const onAbort = (): void => {
          waiting = waiting.filter((other) => other !== member);
          reject(abortError());
        };
        signal.addEventListener("abort", onAbort, { once: true });
        waiting.push(member);
        maybeOpen(false);
      });
    },
  };
}
