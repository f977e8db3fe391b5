import type { ActionJournal } from "./actionJournal";
import type { SignOutMode } from "./signOutMode";
import type { RequestedUser } from "./requestedUser";
import type { Caller } from "./report/signOutReport";

export interface SignOutNotice {
  readonly title: string;
  readonly message: string;
}

export interface SignOutAudit {
  readonly requestedBy?: string | undefined;
  readonly reason?: string | undefined;
  readonly caller?: Caller | undefined;
}

/**
 * `all`: message, grace period, action in one go (the synchronous call). An asynchronous job
 * splits them so that the grace period is a delayed queue message rather than a waiting function:
 * `notify` only sends the messages, `act` only acts (and sends nothing).
 */
export const signOutStages = ["all", "notify", "act"] as const;
export type SignOutStage = (typeof signOutStages)[number];

/** What to do: the engine's request, free of HTTP and of how it arrived. */
export interface SignOutOrder {
  readonly operationId: string;
  /**
   * De-duplicated; each named by UPN (matched case-insensitively, ASCII only), Entra object id, or
   * both (see `matchRequestedUser`).
   */
  readonly users: readonly RequestedUser[];
  /**
   * Whether the caller sent a list: a single-user report keeps `userPrincipalName` (and
   * `userObjectId`); `userPrincipalNames` lists a batch's UPNs when no user in it has an object id.
   */
  readonly batch: boolean;
  readonly mode: SignOutMode;
  readonly dryRun: boolean;
  readonly notify?: SignOutNotice | undefined;
  readonly gracePeriodMs: number;
  readonly stage?: SignOutStage | undefined;
  /**
   * List again after acting and confirm that each session acted on is gone (disconnected, in mode
   * disconnect), within AVD_VERIFY_WINDOW_SECONDS. Decided by `toSignOutOrder` (asynchronous
   * requests verify by default); absent counts as off, so that orders built before it existed
   * (stored asynchronous jobs) keep their meaning.
   */
  readonly verify?: boolean | undefined;
  /** The subscriptions in scope, already narrowed to the configured ones. */
  readonly subscriptionIds: readonly string[];
  /** Host pool names or resource ids; every host pool when absent. */
  readonly hostPools?: readonly string[] | undefined;
  readonly audit?: SignOutAudit | undefined;
}

export interface SignOutOptions {
  /** Aborted at the deadline: in-flight calls and waits are cancelled and the report is partial. */
  readonly abortSignal: AbortSignal;
  /** Asynchronous jobs: intents recorded before each host pool's first write, outcomes after. */
  readonly journal?: ActionJournal | undefined;
}
