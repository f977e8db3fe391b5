import { stagesFor } from "../engine/stagePlan";
import { chunkUsers, encodeJobMessage } from "./jobMessage";
import type { JobStorage } from "./jobStorage";
import type { JobSpec, OperationSummary } from "./operationRecord";
import { createOperationStore } from "./operationStore";
import { hashStatusToken, newOperationId, newStatusToken } from "./operationToken";

export interface AcceptJobSettings {
  readonly operationRetentionMs: number;
  readonly jobDeadlineMs: number;
  readonly now: () => number;
}

export interface AcceptedOperation {
  readonly operationId: string;
  /** Goes into the status URL only; the record keeps its hash. */
  readonly token: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly chunks: number;
}

/**
 * Records the operation, then queues one message per chunk of users. The record comes first so
 * that a consumer never meets a message without one; a record whose messages could not be sent is
 * marked failed, so it does not read "running" until the deadline.
 */
export async function acceptSignOutJob(
  storage: JobStorage,
  input: { readonly spec: JobSpec; readonly userPrincipalNames: readonly string[] },
  settings: AcceptJobSettings,
): Promise<AcceptedOperation> {
  await storage.ensureCreated();
  const store = createOperationStore(storage.table);
  const operationId = newOperationId();
  const token = newStatusToken();
  const createdAt = settings.now();
  const chunks = chunkUsers(input.userPrincipalNames);
  const summary: OperationSummary = {
    operationId,
    tokenHash: hashStatusToken(token),
    status: "running",
    createdAt,
    expiresAt: createdAt + settings.operationRetentionMs,
    deadlineAt: createdAt + settings.jobDeadlineMs,
    chunkCount: chunks.length,
    userCount: input.userPrincipalNames.length,
    spec: input.spec,
    failures: [],
  };
  await store.create(
    summary,
    chunks.map((userPrincipalNames, chunk) => ({
      chunk,
      state: "queued",
      userPrincipalNames,
      actQueued: false,
      attempts: 0,
    })),
  );
  const stage = stagesFor(input.spec)[0] ?? "all";
  const messageTimeToLive = Math.ceil(settings.operationRetentionMs / 1000);
  try {
    await Promise.all(
      chunks.map((userPrincipalNames, chunk) =>
        storage.queue.sendMessage(encodeJobMessage({ v: 1, operationId, chunk, stage, userPrincipalNames }), {
          messageTimeToLive,
        }),
      ),
    );
  } catch (error) {
    await store.updateSummary(operationId, (current) => ({
      ...current,
      status: "failed",
      completedAt: settings.now(),
      failures: [
        { code: "QueueUnavailable", message: "The job could not be queued; nothing was done. Send it again." },
      ],
    }));
    throw error;
  }
  return { operationId, token, createdAt, expiresAt: summary.expiresAt, chunks: chunks.length };
}
