import type { TokenCredential } from "@azure/core-auth";
import type { TableClient } from "@azure/data-tables";
import type { QueueClient, QueueServiceClient } from "@azure/storage-queue";
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
  // Loaded on the first asynchronous request, not at import: the Storage SDKs would add about two
  // thirds to the function's import time, which every cold start of a synchronous call pays.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { QueueServiceClient: QueueServices } =
    require("@azure/storage-queue") as typeof import("@azure/storage-queue");
  const { TableClient: Tables } = require("@azure/data-tables") as typeof import("@azure/data-tables");
  /* eslint-enable @typescript-eslint/no-require-imports */
  let queueService: QueueServiceClient;
  let table: TableClient;
  if (config.kind === "identity") {
    const credential = credentialFor(config);
    queueService = new QueueServices(config.queueServiceUri, credential);
    table = new Tables(config.tableServiceUri, operationsTableName, credential);
  } else {
    queueService = QueueServices.fromConnectionString(config.connectionString);
    // Azurite speaks plain HTTP on loopback; the SDK refuses that unless told.
    table = Tables.fromConnectionString(config.connectionString, operationsTableName, {
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
