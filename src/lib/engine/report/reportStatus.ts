import type { ReportedError, SessionResult, SignOutStatus } from "./signOutReport";

/** What a report's status is decided from, whatever the report covers: one request, one chunk or a whole operation. */
export interface StatusFacts {
  /** The deadline came before everything was done. */
  readonly deadlineHit: boolean;
  /** Something upstream failed, or a session was not handled as asked. */
  readonly failed: boolean;
}

/** The one status rule: the deadline first, then any failure, else completed. */
export function statusOf(facts: StatusFacts): SignOutStatus {
  if (facts.deadlineHit) return "deadlineExceeded";
  return facts.failed ? "failed" : "completed";
}

/** A report's status from its errors and sessions. */
export function decideStatus(errors: readonly ReportedError[], sessions: readonly SessionResult[]): SignOutStatus {
  return statusOf({
    deadlineHit:
      errors.some((error) => error.code === "DeadlineExceeded") ||
      sessions.some((session) => session.outcome === "deadlineExceeded"),
    // A protected account's session is left alone on purpose, yet what was asked did not happen.
    failed:
      errors.length > 0 ||
      sessions.some(
        (session) =>
          session.outcome === "failed" || session.outcome === "stillPresent" || session.outcome === "protected",
      ),
  });
}
