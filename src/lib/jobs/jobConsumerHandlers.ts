import type { InvocationContext } from "@azure/functions";
import type { AppConfig } from "../config/appConfig";
import type { Clock } from "../base/clock";
import type { ConfigurationError } from "../config/configurationError";
import type { Result } from "../base/result";
import type { SignOutOrder, SignOutOptions } from "../engine/signOutOrder";
import type { SignOutReport } from "../engine/signOutReport";
import { decodeJobMessage } from "./jobMessage";
import type { JobStorage } from "./jobStorage";
import { processJobMessage, recordDeliveryFailure } from "./processJobMessage";
import { processPoisonMessage } from "./processPoisonMessage";

/** What the consumer needs of the instance's runtime: its settings and the one way into the engine. */
export interface JobRuntime {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly signOut: (job: SignOutOrder, options: SignOutOptions) => Promise<SignOutReport>;
  storage(): Result<JobStorage, ConfigurationError>;
}

export type LoadJobRuntime = () => Result<JobRuntime, ConfigurationError>;

export type QueueHandler = (queueEntry: unknown, context: InvocationContext) => Promise<void>;

function load(loadRuntime: LoadJobRuntime): { runtime: JobRuntime; storage: JobStorage } {
  const runtime = loadRuntime();
  // Thrown: the host redelivers, and a fault that stays sends the message to the poison queue.
  if (!runtime.ok) throw new Error(runtime.error.message);
  const storage = runtime.value.storage();
  if (!storage.ok) throw new Error(storage.error.message);
  return { runtime: runtime.value, storage: storage.value };
}

/** `userSignoutJob`: one chunk's step per delivery; a throw hands the message back to the host. */
export function createJobConsumerHandler(loadRuntime: LoadJobRuntime): QueueHandler {
  return async (queueEntry, context) => {
    const message = decodeJobMessage(queueEntry);
    if (!message.ok) {
      // Not ours, and never will be: retrying cannot help, so it is logged and dropped.
      context.error(JSON.stringify({ event: "userSignoutJob.unreadableMessage", problem: message.error }));
      return;
    }
    const { operationId, chunk, stage } = message.value;
    const dequeueCount = context.triggerMetadata?.dequeueCount;
    const { runtime, storage } = load(loadRuntime);
    try {
      const outcome = await processJobMessage(
        {
          storage,
          signOut: runtime.signOut,
          now: () => runtime.clock.now(),
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
export function createPoisonHandler(loadRuntime: LoadJobRuntime): QueueHandler {
  return async (queueEntry, context) => {
    const message = decodeJobMessage(queueEntry);
    if (!message.ok) {
      context.error(JSON.stringify({ event: "userSignoutJobPoison.unreadableMessage", problem: message.error }));
      return;
    }
    const { runtime, storage } = load(loadRuntime);
    const outcome = await processPoisonMessage(storage, message.value, () => runtime.clock.now());
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
