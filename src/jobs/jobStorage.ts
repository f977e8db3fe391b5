import type { TokenCredential } from "@azure/core-auth";
import { TableClient } from "@azure/data-tables";
import { QueueClient, QueueServiceClient } from "@azure/storage-queue";
import type { StorageConfig } from "../config/appConfig";
import { jobQueueName, operationsTableName, poisonQueueName } from "./jobNames";

export interface JobStorage {
  readonly queue: QueueClient;
  readonly poisonQueue: QueueClient;
  readonly table: TableClient;
  /** Creates the queue, its poison queue and the table if missing; once per instance. */
  ensureCreated(): Promise<void>;
}

/**
 * The app's own Storage clients, from the same `AzureWebJobsStorage` settings the queue trigger
 * uses: the managed identity against the service URIs in Azure, a connection string locally.
 */
export function createJobStorage(
  config: StorageConfig,
  credentialFor: (config: Extract<StorageConfig, { kind: "identity" }>) => TokenCredential,
): JobStorage {
  let queueService: QueueServiceClient;
  let table: TableClient;
  if (config.kind === "identity") {
    const credential = credentialFor(config);
    queueService = new QueueServiceClient(config.queueServiceUri, credential);
    table = new TableClient(config.tableServiceUri, operationsTableName, credential);
  } else {
    queueService = QueueServiceClient.fromConnectionString(config.connectionString);
    // Azurite speaks plain HTTP on loopback; the SDK refuses that unless told.
    table = TableClient.fromConnectionString(config.connectionString, operationsTableName, {
      allowInsecureConnection: /TableEndpoint=http:|UseDevelopmentStorage=true/i.test(config.connectionString),
    });
  }
  const queue = queueService.getQueueClient(jobQueueName);
  const poisonQueue = queueService.getQueueClient(poisonQueueName);
  let created: Promise<void> | undefined;
  return {
    queue,
    poisonQueue,
    table,
    ensureCreated() {
      created ??= Promise.all([queue.createIfNotExists(), poisonQueue.createIfNotExists(), table.createTable()]).then(
        () => undefined,
        (error: unknown) => {
          created = undefined;
          throw error;
        },
      );
      return created;
    },
  };
}
