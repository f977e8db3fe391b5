import { setMaxListeners } from "node:events";
import { deadlineSignal, type Clock } from "../base/clock";
import type { SignOut } from "./createSignOutEngine";
import type { SignOutOptions, SignOutOrder } from "./signOutOrder";
import type { SignOutReport } from "./report";

export interface RunLimit {
  readonly clock: Clock;
  /** How long the run may take from now; at the end its calls are cancelled and the report is partial. */
  readonly ms: number;
  readonly journal?: SignOutOptions["journal"];
}

/** The engine under a deadline: the one way a caller bounds a run (a synchronous request, a job's delivery). */
export async function signOutWithin(signOut: SignOut, order: SignOutOrder, limit: RunLimit): Promise<SignOutReport> {
  const deadline = deadlineSignal(limit.clock, limit.ms);
  // Every in-flight SDK call listens on the deadline; hundreds at once are expected, not a leak.
  setMaxListeners(0, deadline.signal);
  try {
    return await signOut(order, {
      abortSignal: deadline.signal,
      ...(limit.journal === undefined ? {} : { journal: limit.journal }),
    });
  } finally {
    deadline.dispose();
  }
}
