import { msToSecondsAtLeast } from "../base/duration";
import { err, ok, type Result } from "../base/result";
import type { RequestedUser } from "../engine/requestedUser";
import type { SignOutOrder } from "../engine/signOutOrder";
import { stagesFor } from "../engine/stagePlan";
import { chunkUsers } from "./chunkUsers";
import { encodeJobMessage } from "./jobMessage";
import type { JobStorage } from "./jobStorage";
import type { JobSpec, OperationSummary } from "./operationRecord";
import { updateSummary } from "./operationStore";
import { createTableOperationStore } from "./tableOperationStore";
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

/** What a job keeps of its order: everything but the users (they go to the chunks) and the stage (the plan's). */
export function jobSpecOf(order: SignOutOrder): JobSpec {
  return {
    batch: order.batch,
    mode: order.mode,
    dryRun: order.dryRun,
    notify: order.notify,
    gracePeriodMs: order.gracePeriodMs,
    subscriptionIds: order.subscriptionIds,
    hostPools: order.hostPools,
    audit: order.audit,
    verify: order.verify,
  };
}

/** Why a job could not be accepted; the caller is told to try again later. */
export interface AcceptFailure {
  readonly code: "StoreUnavailable" | "QueueUnavailable";
  readonly message: string;
  readonly cause: unknown;
}

/**
 * Records the operation, then queues one pointer message per chunk. The record comes first, in
 * one transaction, so that a consumer never meets a message without one; if it cannot be written,
 * nothing is queued. A record whose messages could not all be sent is marked failed, so the
 * messages that did go out are refused as belonging to a finished operation.
 */
export async function acceptSignOutJob(
  storage: JobStorage,
  input: { readonly spec: JobSpec; readonly users: readonly RequestedUser[] },
  settings: AcceptJobSettings,
): Promise<Result<AcceptedOperation, AcceptFailure>> {
  const store = createTableOperationStore(storage.table);
  const operationId = newOperationId();
  const token = newStatusToken();
  const createdAt = settings.now();
  const chunks = chunkUsers(input.users);
  const summary: OperationSummary = {
    operationId,
    tokenHash: hashStatusToken(token),
    status: "running",
    createdAt,
    expiresAt: createdAt + settings.operationRetentionMs,
    deadlineAt: createdAt + settings.jobDeadlineMs,
    chunkCount: chunks.length,
    userCount: input.users.length,
    spec: input.spec,
    failures: [],
  };
  try {
    await storage.ensureCreated();
    await store.create(
      summary,
      chunks.map((users, chunk) => ({
        chunk,
        state: "queued",
        users,
        actQueued: false,
        attempts: 0,
      })),
    );
  } catch (cause) {
    return err({
      code: "StoreUnavailable",
      message: "The operation could not be recorded; nothing was queued.",
      cause,
    });
  }
  const stage = stagesFor(input.spec)[0] ?? "all";
  const messageTimeToLive = msToSecondsAtLeast(settings.operationRetentionMs);
  try {
    await Promise.all(
      chunks.map((_, chunk) =>
        storage.queue.sendMessage(encodeJobMessage({ v: 2, operationId, chunk, stage }), { messageTimeToLive }),
      ),
    );
  } catch (cause) {
    await updateSummary(store, operationId, (current) => ({
      ...current,
      status: "failed",
      completedAt: settings.now(),
      failures: [{ code: "QueueUnavailable", message: "The job could not be queued. Send it again." }],
    })).catch(() => undefined);
    return err({ code: "QueueUnavailable", message: "The job could not be queued; send it again.", cause });
  }
  return ok({ operationId, token, createdAt, expiresAt: summary.expiresAt, chunks: chunks.length });
}
