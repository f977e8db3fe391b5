import type { SignOutOrder } from "../engine/signOutOrder";
import type { SignOutReport, SignOutStatus } from "../engine/signOutReport";

/** What the caller asked for, minus the users (those travel in the chunks). */
export type JobSpec = Omit<SignOutOrder, "operationId" | "userPrincipalNames" | "stage">;

export type OperationStatus = "running" | SignOutStatus;

export interface OperationFailure {
  readonly code: string;
  readonly message: string;
}

/** The operation's summary entity (RowKey `operation`). Times are epoch milliseconds. */
export interface OperationSummary {
  readonly operationId: string;
  /** SHA-256 of the status URL's token, hex; the token itself is never stored. */
  readonly tokenHash: string;
  readonly status: OperationStatus;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly deadlineAt: number;
  readonly completedAt?: number | undefined;
  readonly chunkCount: number;
  readonly userCount: number;
  readonly spec: JobSpec;
  /** Why the operation failed beyond what its report says (a message that reached the poison queue). */
  readonly failures: readonly OperationFailure[];
}

/**
 * `queued` → (`notified` →) `done`; `failed` once its message reached the poison queue;
 * `deadlineExceeded` when its message came after the job deadline.
 */
export const chunkStates = ["queued", "notified", "done", "failed", "deadlineExceeded"] as const;
export type ChunkState = (typeof chunkStates)[number];

export function isTerminal(state: ChunkState): boolean {
  return state === "done" || state === "failed" || state === "deadlineExceeded";
}

/** One chunk entity (RowKey `chunk-0007`): its users and what has been done for them. */
export interface ChunkRecord {
  readonly chunk: number;
  readonly state: ChunkState;
  readonly userPrincipalNames: readonly string[];
  /** Notify stage: when the action message becomes visible. */
  readonly actAfter?: number | undefined;
  /** Notify stage: the action message was sent (a redelivered notify message must not message users again). */
  readonly actQueued: boolean;
  /** The notify stage's report: sessions `pendingAction` with their notification outcome. */
  readonly notifyReport?: SignOutReport | undefined;
  /** The final report of this chunk's users. */
  readonly report?: SignOutReport | undefined;
  /** The last failure of a delivery of this chunk's message, kept for the poison handler's reason. */
  readonly lastError?: string | undefined;
  readonly attempts: number;
}

export function chunkRowKey(chunk: number): string {
  return `chunk-${String(chunk).padStart(4, "0")}`;
}

export const summaryRowKey = "operation";
