import { statusOf, type SignOutStatus } from "../engine/report";
import type { ChunkRecord, OperationSummary } from "./operationRecord";

/** The report's status rule over an operation's chunks: past the deadline unfinished counts as the deadline. */
export function decideOperationStatus(
  summary: OperationSummary,
  chunks: readonly ChunkRecord[],
  now: number,
): SignOutStatus {
  const finished = (chunk: ChunkRecord): boolean => chunk.state === "done" || chunk.state === "failed";
  return statusOf({
    deadlineHit:
      chunks.some((chunk) => chunk.state === "deadlineExceeded" || chunk.result?.status === "deadlineExceeded") ||
      (!chunks.every(finished) && now >= summary.deadlineAt),
    failed:
      summary.failures.length > 0 ||
      chunks.some((chunk) => chunk.state === "failed" || chunk.result?.status === "failed"),
  });
}
