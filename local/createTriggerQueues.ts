import { QueueServiceClient } from "@azure/storage-queue";
import type { FunctionMetadata } from "./functionsCoreStandIn/coreTypes";
import { hasPoisonQueue } from "./serveQueueTriggers";

/**
 * Creates the queues the app's queue triggers read, and their `-poison` queues (none for a
 * queue that is itself a `-poison` queue), in the account of
 * `connectionString`: in Azure the deployment creates them (the host does not); locally npm start
 * does, from the registered metadata. Returns their names.
 */
export async function createTriggerQueues(
  connectionString: string,
  functions: readonly FunctionMetadata[],
): Promise<string[]> {
  const service = QueueServiceClient.fromConnectionString(connectionString);
  const names = functions.flatMap((metadata) =>
    Object.values(metadata.bindings).flatMap((binding) =>
      binding.type?.toLowerCase() === "queuetrigger" && typeof binding.queueName === "string"
        ? [binding.queueName, ...(hasPoisonQueue(binding.queueName) ? [`${binding.queueName}-poison`] : [])]
        : [],
    ),
  );
  const unique = [...new Set(names)];
  for (const name of unique) await service.getQueueClient(name).createIfNotExists();
  return unique;
}
