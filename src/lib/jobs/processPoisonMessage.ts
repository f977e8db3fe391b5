import { stagesFor } from "../engine/stagePlan";
import { finishOperation } from "./finishOperation";
import type { JobMessage } from "./jobMessage";
import { isTerminal } from "./operationRecord";
import type { OperationStore } from "./operationStore";
import type { RefusalReason } from "./processJobMessage";

/** The host's `maxDequeueCount` (host.json `extensions.queues.maxDequeueCount`, default 5). */
export const maxDequeueCount = 5;

export type PoisonOutcome =
  | { readonly kind: "markedFailed" | "alreadyFinished" }
  | { readonly kind: "refused"; readonly reason: RefusalReason | "noRecordedFailure" };

/**
 * A chunk's message failed on every delivery and the host moved it to the poison queue: the chunk
 * is marked failed with the last error, and the operation finishes once its other chunks have.
 * This function has no poison queue of its own (the host gives a `-poison` queue none): a throw
 * leaves its message invisible for the lease, after which it comes back and is tried again.
 */
export async function processPoisonMessage(
  store: OperationStore,
  message: JobMessage,
  now: () => number,
): Promise<PoisonOutcome> {
  const summary = await store.readSummary(message.operationId);
  if (summary === undefined) return { kind: "refused", reason: "unknownOperation" };
  if (message.chunk >= summary.value.chunkCount) return { kind: "refused", reason: "unknownChunk" };
  if (!stagesFor(summary.value.spec).includes(message.stage)) return { kind: "refused", reason: "stageNotInPlan" };
  const stored = await store.readChunk(message.operationId, message.chunk);
  if (stored === undefined) return { kind: "refused", reason: "unknownChunk" };
  if (summary.value.status !== "running" || isTerminal(stored.value.state)) {
    await finishOperation(store, message.operationId, now());
    return { kind: "alreadyFinished" };
  }
  // Only a message whose deliveries failed here may fail a chunk: a copy written by someone else may not.
  if (stored.value.attempts === 0) return { kind: "refused", reason: "noRecordedFailure" };
  const lastError = (stored.value.lastError ?? "no error was recorded").slice(0, 500);
  const failure = {
    code: "MessageFailedRepeatedly",
    message: `The ${message.stage} step for the chunk's ${stored.value.users.length} users failed ${stored.value.attempts} times and was moved to the poison queue; last error: ${lastError}`,
  };
  if (!(await store.writeChunk(message.operationId, { ...stored.value, state: "failed", failure }, stored.etag))) {
    // Someone changed the chunk meanwhile; thrown, so the message returns after its lease to look again.
    throw new Error(`chunk ${message.chunk} of operation ${message.operationId} changed while being marked failed`);
  }
  await finishOperation(store, message.operationId, now());
  return { kind: "markedFailed" };
}
