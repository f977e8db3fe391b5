import type { UpstreamError } from "./upstreamError";

export type SessionOutcome =
  | "signedOut"
  | "alreadyGone"
  | "wouldSignOut"
  | "failed"
  /** The deadline came before the sign-out was confirmed; a retry finishes the job. */
  | "deadlineExceeded";

export interface SessionResult {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly hostPool: string;
  readonly sessionHost: string;
  readonly sessionId: string;
  /** As the service stores it, which may differ in case from the request. */
  readonly userPrincipalName: string;
  readonly sessionState: string;
  readonly outcome: SessionOutcome;
  readonly error?: UpstreamError;
}

export type ErrorScope = "subscription" | "hostPool" | "session";

export interface ReportedError extends UpstreamError {
  readonly scope: ErrorScope;
  readonly subscriptionId: string;
  readonly resourceGroup?: string;
  readonly hostPool?: string;
  readonly sessionHost?: string;
  readonly sessionId?: string;
}

/** `completed`: every matching session handled; `failed`: something upstream failed; `deadlineExceeded`: partial. */
export type SignOutStatus = "completed" | "failed" | "deadlineExceeded";

export interface SignOutCounts {
  readonly subscriptions: number;
  readonly hostPoolsScanned: number;
  readonly sessionsFound: number;
  readonly signedOut: number;
  readonly alreadyGone: number;
  readonly wouldSignOut: number;
  readonly failed: number;
  readonly deadlineExceeded: number;
}

export interface SignOutReport {
  readonly operationId: string;
  readonly userPrincipalName: string;
  readonly dryRun: boolean;
  readonly status: SignOutStatus;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly counts: SignOutCounts;
  readonly sessions: readonly SessionResult[];
  readonly errors: readonly ReportedError[];
}
