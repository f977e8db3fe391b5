import type { InvocationContext } from "@azure/functions";
import type { AppConfig } from "../config/appConfig";
import type { ConfigurationError } from "../config/configurationError";
import type { Result } from "../base/result";
import type { SignOutJob, SignOutOptions } from "../engine/signOutJob";
import type { SignOutReport } from "../engine/signOutReport";
import { decodeJobMessage } from "./jobMessage";
import type { JobStorage } from "./jobStorage";
import { jobStorageFor } from "./jobStorageFor";
import { processJobMessage, recordDeliveryFailure } from "./processJobMessage";
import { processPoisonMessage } from "./processPoisonMessage";

/** What the consumer needs of the instance's runtime: its settings and the one way into the engine. */
export interface JobRuntime {
  readonly config: AppConfig;
  readonly signOut: (job: SignOutJob, options: SignOutOptions) => Promise<SignOutReport>;
}

export interface JobConsumerHandlerDependencies {
  readonly loadRuntime: () => Result<JobRuntime, ConfigurationError>;
  readonly storageFor?: (config: AppConfig) => Result<JobStorage, ConfigurationError>;
  readonly now?: () => number;
}

export type QueueHandler = (queueEntry: unknown, context: InvocationContext) => Promise<void>;

function load(dependencies: JobConsumerHandlerDependencies): { runtime: JobRuntime; storage: JobStorage } {
  const runtime = dependencies.loadRuntime();
  // Thrown: the host redelivers, and a fault that stays sends the message to the poison queue.
  if (!runtime.ok) throw new Error(runtime.error.message);
  const storage = (dependencies.storageFor ?? jobStorageFor)(runtime.value.config);
  if (!storage.ok) throw new Error(storage.error.message);
  return { runtime: runtime.value, storage: storage.value };
}

/** `userSignoutJob`: one chunk's step per delivery; a throw hands the message back to the host. */
export function createJobConsumerHandler(dependencies: JobConsumerHandlerDependencies): QueueHandler {
  return async (queueEntry, context) => {
    const message = decodeJobMessage(queueEntry);
    if (!message.ok) {
      // Not ours, and never will be: retrying cannot help, so it is logged and dropped.
      context.error(JSON.stringify({ event: "userSignoutJob.unreadableMessage", problem: message.error }));
      return;
    }
    const { operationId, chunk, stage } = message.value;
    const dequeueCount = context.triggerMetadata?.dequeueCount;
    const { runtime, storage } = load(dependencies);
    try {
      const outcome = await processJobMessage(
        {
          storage,
          signOut: runtime.signOut,
          now: dependencies.now ?? Date.now,
          maxRunMs: runtime.config.jobMessageTimeoutMs,
        },
        message.value,
      );
      context.info(JSON.stringify({ event: "userSignoutJob.step", operationId, chunk, stage, dequeueCount, outcome }));
    } catch (error) {
      context.warn(
        JSON.stringify({
          event: "userSignoutJob.stepFailed",
          operationId,
          chunk,
          stage,
          dequeueCount,
          error: String(error),
        }),
      );
      await recordDeliveryFailure(storage, message.value, error).catch(() => undefined);
      throw error;
    }
  };
}

/** `userSignoutJobPoison`: a message that failed every delivery marks its users and operation failed. */
export function createPoisonHandler(dependencies: JobConsumerHandlerDependencies): QueueHandler {
  return async (queueEntry, context) => {
    const message = decodeJobMessage(queueEntry);
    if (!message.ok) {
      context.error(JSON.stringify({ event: "userSignoutJobPoison.unreadableMessage", problem: message.error }));
      return;
    }
    const { storage } = load(dependencies);
    const outcome = await processPoisonMessage(storage, message.value, dependencies.now ?? Date.now);
    context.error(
      JSON.stringify({
        event: "userSignoutJobPoison.failed",
        operationId: message.value.operationId,
        chunk: message.value.chunk,
        stage: message.value.stage,
        outcome,
      }),
    );
  };
}
