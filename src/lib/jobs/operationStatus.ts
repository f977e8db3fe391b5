import type { SignOutStatus } from "../engine/signOutReport";
import type { ChunkRecord, OperationSummary } from "./operationRecord";

/** As the synchronous report decides: the deadline first, then any failure, else completed. */
export function decideOperationStatus(
  summary: OperationSummary,
  chunks: readonly ChunkRecord[],
  now: number,
): SignOutStatus {
  const finished = (chunk: ChunkRecord): boolean => chunk.state === "done" || chunk.state === "failed";
  if (
    chunks.some((chunk) => chunk.state === "deadlineExceeded" || chunk.result?.status === "deadlineExceeded") ||
    (!chunks.every(finished) && now >= summary.deadlineAt)
  ) {
    return "deadlineExceeded";
  }
  if (
    summary.failures.length > 0 ||
    chunks.some((chunk) => chunk.state === "failed" || chunk.result?.status === "failed")
  ) {
    return "failed";
  }
  return "completed";
}
