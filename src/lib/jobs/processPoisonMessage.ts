import { stagesFor } from "../engine/stagePlan";
import { endChunk } from "./endChunk";
import { finishOperation } from "./finishOperation";
import type { JobMessage } from "./jobMessage";
import { chunkOrder, isTerminal } from "./operationRecord";
import type { OperationStore } from "./operationStore";
import type { RefusalReason } from "./runChunk";

/** The host's `maxDequeueCount` (host.json `extensions.queues.maxDequeueCount`, default 5). */
export const maxDequeueCount = 5;

export type PoisonOutcome =
  | { readonly kind: "markedFailed" | "alreadyFinished" }
  | { readonly kind: "refused"; readonly reason: RefusalReason | "noRecordedFailure" };

/**
 * A chunk's message failed on every delivery and the host moved it to the poison queue: the chunk
 * ends failed with the last error (what its deliveries did, read from the journal, is kept), and the
 * operation finishes once its other chunks have.
 * This function has no poison queue of its own (the host gives a `-poison` queue none): a throw
 * leaves its message invisible for the lease, after which it comes back and is tried again.
 */
export async function processPoisonMessage(
  store: OperationStore,
  message: JobMessage,
  now: () => number,
  /** Who handles it: the journal tags the outcomes it resolves with it. */
  run: string,
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
  const order = chunkOrder(summary.value, stored.value, message.stage);
  const ended = await endChunk({ store, order, stored, ending: { kind: "failed", failure }, run, now });
  return { kind: ended === "ended" ? "markedFailed" : "alreadyFinished" };
}
