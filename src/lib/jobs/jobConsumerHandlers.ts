import { logEvent } from "../base/logEvents";
import { randomUUID } from "node:crypto";
import type { InvocationContext } from "@azure/functions";
import type { AppConfig, AsyncSettings } from "../config/appConfig";
import type { Clock } from "../base/clock";
import type { ConfigurationError } from "../config/configurationError";
import type { Result } from "../base/result";
import type { SignOut } from "../engine/createSignOutEngine";
import { decodeJobMessage } from "./jobMessage";
import type { JobStorage } from "./jobStorage";
import type { OperationStore } from "./operationStore";
import { createTableOperationStore } from "./tableOperationStore";
import { runChunk, recordDeliveryFailure } from "./runChunk";
import { processPoisonMessage } from "./processPoisonMessage";

/** What the consumer needs of the instance's runtime (the composition root provides it). */
export interface JobRuntime {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly signOut: SignOut;
  storage(): Result<JobStorage, ConfigurationError>;
}

export type LoadJobRuntime = () => Result<JobRuntime, ConfigurationError>;

export type QueueHandler = (queueEntry: unknown, context: InvocationContext) => Promise<void>;

function load(loadRuntime: LoadJobRuntime): {
  runtime: JobRuntime;
  settings: AsyncSettings;
  storage: JobStorage;
  store: OperationStore;
} {
  const runtime = loadRuntime();
  // Thrown: the host redelivers, and a fault that stays sends the message to the poison queue.
  if (!runtime.ok) throw new Error(runtime.error.message);
  const settings = runtime.value.config.async;
  if (!settings.ok) throw new Error(`${settings.error.setting} ${settings.error.message}`);
  const storage = runtime.value.storage();
  if (!storage.ok) throw new Error(storage.error.message);
  return {
    runtime: runtime.value,
    settings: settings.value,
    storage: storage.value,
    store: createTableOperationStore(storage.value.table),
  };
}

/** `userSignoutJob`: one chunk's step per delivery; a throw hands the message back to the host. */
export function createJobConsumerHandler(loadRuntime: LoadJobRuntime): QueueHandler {
  return async (queueEntry, context) => {
    const message = decodeJobMessage(queueEntry);
    if (!message.ok) {
      // Not ours, and never will be: retrying cannot help, so it is logged and dropped.
      logEvent(context, "warn", { event: "userSignoutJob.refused", reason: "unreadable", problem: message.error });
      return;
    }
    const { operationId, chunk, stage } = message.value;
    const delivered = context.triggerMetadata?.dequeueCount;
    const dequeueCount = typeof delivered === "number" ? delivered : undefined;
    const { runtime, settings, storage, store } = load(loadRuntime);
    try {
      const outcome = await runChunk(
        {
          store,
          sendMessage: (text, options) => storage.queue.sendMessage(text, options),
          signOut: runtime.signOut,
          clock: runtime.clock,
          maxRunMs: settings.jobMessageTimeoutMs,
          run: `${context.invocationId}/${randomUUID()}`,
          protectedUsers: runtime.config.protectedUsers,
        },
        message.value,
      );
      if (outcome.kind === "refused") {
        logEvent(context, "warn", {
          event: "userSignoutJob.refused",
          reason: outcome.reason,
          operationId,
          chunk,
          stage,
        });
        return;
      }
      logEvent(context, "info", {
        event: "userSignoutJob.step",
        operationId,
        chunk,
        stage,
        dequeueCount,
        outcome: outcome.kind,
      });
    } catch (error) {
      logEvent(context, "warn", {
        event: "userSignoutJob.stepFailed",
        operationId,
        chunk,
        stage,
        dequeueCount,
        error: String(error),
      });
      await recordDeliveryFailure(store, message.value, error).catch(() => undefined);
      throw error;
    }
  };
}

/**
 * `userSignoutJobPoison`: a message that failed every delivery marks its chunk failed. The host
 * gives this queue no poison queue: a throw leaves the message invisible for its lease, then it
 * returns, so a failure here is retried, never lost.
 */
export function createPoisonHandler(loadRuntime: LoadJobRuntime): QueueHandler {
  return async (queueEntry, context) => {
    const message = decodeJobMessage(queueEntry);
    if (!message.ok) {
      logEvent(context, "warn", {
        event: "userSignoutJobPoison.refused",
        reason: "unreadable",
        problem: message.error,
      });
      return;
    }
    const { runtime, store } = load(loadRuntime);
    const outcome = await processPoisonMessage(
      store,
      message.value,
      () => runtime.clock.now(),
      `${context.invocationId}/${randomUUID()}`,
    );
    const fields = { operationId: message.value.operationId, chunk: message.value.chunk, stage: message.value.stage };
    if (outcome.kind === "refused") {
      logEvent(context, "warn", { event: "userSignoutJobPoison.refused", reason: outcome.reason, ...fields });
      return;
    }
    logEvent(context, "error", { event: "userSignoutJobPoison.failed", outcome: outcome.kind, ...fields });
  };
}
