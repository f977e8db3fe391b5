import type { RequestedUser } from "../engine/requestedUser";
import type { SignOutOrder } from "../engine/signOutOrder";
import type {
  ListedSessionResult,
  ListingStrategy,
  NotificationCounts,
  ReportedError,
  SessionCounts,
  SessionOutcome,
  SessionResult,
  SignOutStatus,
  UserSummary,
} from "../engine/report";

/** What the caller asked for, minus the users (those are in the chunks) and the stage (the plan's). */
export type JobSpec = Omit<SignOutOrder, "operationId" | "users" | "stage">;

export type OperationStatus = "running" | SignOutStatus;

export interface OperationFailure {
  readonly code: string;
  readonly message: string;
}

/** Operation-level failures (a queue that refused the job); a chunk's own failure stays on the chunk. */
export const maxOperationFailures = 10;

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
  readonly failures: readonly OperationFailure[];
}

/**
 * `queued` → (`notified` →) `done`; `failed` once its message reached the poison queue;
 * `deadlineExceeded` when the job's deadline came first.
 */
export const chunkStates = ["queued", "notified", "done", "failed", "deadlineExceeded"] as const;
export type ChunkState = (typeof chunkStates)[number];

export function isTerminal(state: ChunkState): boolean {
  return state === "done" || state === "failed" || state === "deadlineExceeded";
}

export type { NotificationCounts, SessionCounts };

/** A user's entry in a chunk's result: the keys the request named them by, status and counts. */
export type CompactUser = UserSummary;

/** The most errors and unconfirmed sessions a chunk keeps in its result; beyond that it counts them. */
export const chunkResultBounds = Object.freeze({ errors: 100, problemSessions: 200, warnings: 20 });

/** A finished chunk, in a bounded shape: what the compact answer reads without the journal. */
export interface ChunkResult {
  readonly status: SignOutStatus;
  readonly strategy: ListingStrategy;
  readonly hostPoolsScanned: number;
  readonly hostPoolsNotFound?: readonly string[] | undefined;
  readonly counts: SessionCounts;
  readonly notifications?: NotificationCounts | undefined;
  readonly users: readonly CompactUser[];
  /** Sessions that failed or could not be confirmed, up to the bound. */
  readonly problemSessions: readonly SessionResult[];
  readonly problemSessionCount: number;
  readonly errors: readonly ReportedError[];
  readonly errorCount: number;
  readonly warnings: readonly string[];
}

/** One chunk entity (RowKey `chunk-0007`): its users, its state and, once done, its result. */
export interface ChunkRecord {
  readonly chunk: number;
  readonly state: ChunkState;
  /** By UPN, object id or both, as requested (see `RequestedUser`). */
  readonly users: readonly RequestedUser[];
  /** Notify stage: when the action may run. */
  readonly actAfter?: number | undefined;
  /** Notify stage: the action message was sent (a redelivered notify message must not send another). */
  readonly actQueued: boolean;
  /** Notify stage: what became of the messages. */
  readonly notified?: NotificationCounts | undefined;
  readonly result?: ChunkResult | undefined;
  /** Why the chunk failed for good (its message reached the poison queue). */
  readonly failure?: OperationFailure | undefined;
  /** The last failure of a delivery, kept for the poison handler's reason. */
  readonly lastError?: string | undefined;
  readonly attempts: number;
}

/** What the journal was about to do to a session. */
export type JournalIntent = "notify" | "act";

/** One session an asynchronous chunk matched: recorded before its first write, outcome as it landed. */
export interface JournalEntry {
  readonly chunk: number;
  readonly session: ListedSessionResult;
  readonly intent?: JournalIntent | undefined;
  readonly outcome?: SessionOutcome | undefined;
  readonly upstreamStatus?: number | undefined;
  readonly error?: SessionResult["error"];
  readonly notification?: SessionResult["notification"];
  readonly notificationError?: SessionResult["notificationError"];
  /** A listing after the action confirmed it (see the request's `verify`). */
  readonly verified?: boolean | undefined;
  /** The delivery that wrote the outcome. */
  readonly outcomeRun?: string | undefined;
}

/** What one delivery of a chunk hands the engine: the operation's request with the chunk's users. */
export function chunkOrder(
  summary: OperationSummary,
  chunk: Pick<ChunkRecord, "users">,
  stage: SignOutOrder["stage"],
): SignOutOrder {
  return { ...summary.spec, operationId: summary.operationId, users: chunk.users, stage };
}

export const summaryRowKey = "operation";

export function chunkRowKey(chunk: number): string {
  return `chunk-${String(chunk).padStart(4, "0")}`;
}
