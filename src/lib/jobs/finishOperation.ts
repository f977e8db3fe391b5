import { decideOperationStatus } from "./operationStatus";
import { isTerminal, type ChunkRecord } from "./operationRecord";
import { updateSummary, type OperationStore } from "./operationStore";

/**
 * Once every chunk is finished, the summary takes the operation's final status. Idempotent and
 * ETag-checked: any delivery (a duplicate included), the poison handler and a status read may
 * call it, so a crash between a chunk's last write and this one never leaves the operation hanging.
 */
export async function finishOperation(
  store: OperationStore,
  operationId: string,
  now: number,
  /** The chunks, when the caller has just read them (a status read): not read again. */
  known?: readonly ChunkRecord[],
): Promise<boolean> {
  const summary = await store.readSummary(operationId);
  if (summary === undefined) return false;
  if (summary.value.status !== "running") return true;
  const chunks = known ?? (await store.readChunks(operationId));
  if (chunks.length < summary.value.chunkCount || !chunks.every((chunk) => isTerminal(chunk.state))) return false;
  await updateSummary(store, operationId, (current) =>
    current.status !== "running"
      ? undefined
      : { ...current, status: decideOperationStatus(current, chunks, now), completedAt: now },
  );
  return true;
}
