import type { JobMessage } from "./jobMessage";
import type { JobStorage } from "./jobStorage";
import { isTerminal } from "./operationRecord";
import { finishIfComplete } from "./processJobMessage";
import { createOperationStore } from "./operationStore";

/** The host's `maxDequeueCount` (host.json `extensions.queues.maxDequeueCount`, default 5). */
export const maxDequeueCount = 5;

export type PoisonOutcome = "markedFailed" | "alreadyFinished" | "operationGone";

/**
 * A chunk's message failed on every delivery and the host moved it to the poison queue: its
 * users are reported failed with the last error, and the operation ends `failed` once its other
 * chunks are done — it never reads "running" for ever, and nothing is dropped without a trace.
 */
export async function processPoisonMessage(
  storage: JobStorage,
  message: JobMessage,
  now: () => number,
): Promise<PoisonOutcome> {
  const store = createOperationStore(storage.table);
  const stored = await store.readChunk(message.operationId, message.chunk);
  if (stored === undefined) return "operationGone";
  if (isTerminal(stored.value.state)) return "alreadyFinished";
  const lastError = (stored.value.lastError ?? "no error was recorded").slice(0, 500);
  const reason = {
    code: "MessageFailedRepeatedly",
    message: `The ${message.stage} step for users ${message.userPrincipalNames.length === 1 ? message.userPrincipalNames[0] : `${message.userPrincipalNames[0]} … (${message.userPrincipalNames.length})`} failed ${maxDequeueCount} times and was moved to the poison queue; last error: ${lastError}`,
  };
  if (!(await store.writeChunk(message.operationId, { ...stored.value, state: "failed" }, stored.etag))) {
    // Someone finished or changed the chunk meanwhile; the host redelivers this message to look again.
    throw new Error(`chunk ${message.chunk} of operation ${message.operationId} changed while being marked failed`);
  }
  await store.updateSummary(message.operationId, (summary) =>
    summary.failures.some((failure) => failure.message === reason.message)
      ? undefined
      : { ...summary, failures: [...summary.failures, reason] },
  );
  await finishIfComplete(store, message.operationId, now);
  return "markedFailed";
}
