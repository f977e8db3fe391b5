import type { RegisteredFunction } from "./functionsCoreStandIn/coreApi";
import type { ProgrammingModel } from "./functionsCoreStandIn/coreTypes";
import type { HostQueueSettings } from "./hostQueueSettings";
import { invokeRegisteredFunction, triggerBindingName, type InvocationLog } from "./invokeRegisteredFunction";
import { pollQueueTrigger, type QueueTriggerEvent, type RunningQueueTrigger } from "./pollQueueTrigger";
import { queueServiceClientFor } from "./queueServiceClientFor";

export interface QueueTrigger {
  readonly function: RegisteredFunction;
  readonly queueName: string;
  readonly connection: string;
}

/** The queue-triggered functions and what their `queueTrigger` binding says, as the host reads it. */
export function queueTriggers(functions: readonly RegisteredFunction[]): QueueTrigger[] {
  return functions.flatMap((fn) => {
    const trigger = fn.metadata.bindings[triggerBindingName(fn)];
    if (trigger?.type?.toLowerCase() !== "queuetrigger") return [];
    if (typeof trigger.queueName !== "string") throw new Error(`function "${fn.metadata.name}" names no queue`);
    // An empty connection means the host's own storage account.
    const connection =
      typeof trigger.connection === "string" && trigger.connection ? trigger.connection : "AzureWebJobsStorage";
    return [{ function: fn, queueName: trigger.queueName, connection }];
  });
}

/** The host gives every queue a `-poison` queue except one whose own name ends in `-poison`. */
export function hasPoisonQueue(queueName: string): boolean {
  return !queueName.toLowerCase().endsWith("-poison");
}

export interface ServeQueueTriggersOptions {
  readonly settings: HostQueueSettings;
  readonly leaseSeconds: number;
  readonly env: NodeJS.ProcessEnv;
  readonly log: InvocationLog;
  readonly onEvent: (event: QueueTriggerEvent) => void;
}

/** Starts one listener per queue-triggered function; each message runs through the library's invocation model. */
export function serveQueueTriggers(
  programmingModel: ProgrammingModel,
  triggers: readonly QueueTrigger[],
  options: ServeQueueTriggersOptions,
): RunningQueueTrigger[] {
  return triggers.map((trigger) => {
    const service = queueServiceClientFor(trigger.connection, options.env);
    return pollQueueTrigger({
      queue: service.getQueueClient(trigger.queueName),
      poisonQueue: hasPoisonQueue(trigger.queueName)
        ? service.getQueueClient(`${trigger.queueName}-poison`)
        : undefined,
      settings: options.settings,
      leaseSeconds: options.leaseSeconds,
      onEvent: options.onEvent,
      invoke: async (message) => {
        // The host's trigger metadata for a queue message, typed as the host sends it over RPC.
        const date = (value: Date) => ({ json: JSON.stringify(value.toISOString()) });
        await invokeRegisteredFunction(
          programmingModel,
          trigger.function,
          {
            triggerData: { string: message.body },
            triggerMetadata: {
              QueueTrigger: { string: message.body },
              Id: { string: message.id },
              DequeueCount: { int: message.dequeueCount },
              InsertionTime: date(message.insertionTime),
              ExpirationTime: date(message.expirationTime),
              NextVisibleTime: date(message.nextVisibleTime),
              PopReceipt: { string: message.popReceipt },
            },
          },
          options.log,
        );
      },
    });
  });
}
