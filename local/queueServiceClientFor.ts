import { DefaultAzureCredential } from "@azure/identity";
import { QueueServiceClient } from "@azure/storage-queue";

/**
 * The Storage account a trigger's `connection` names, read as the host reads it: the app setting
 * of that name holds a connection string, or `<connection>__queueServiceUri` names the queue
 * endpoint reached with an identity (here DefaultAzureCredential; locally, use a connection string).
 */
export function queueServiceClientFor(connection: string, env: NodeJS.ProcessEnv): QueueServiceClient {
  const connectionString = env[connection];
  if (connectionString) return QueueServiceClient.fromConnectionString(connectionString);
  const serviceUri = env[`${connection}__queueServiceUri`];
  if (serviceUri) return new QueueServiceClient(serviceUri, new DefaultAzureCredential());
  throw new Error(`app setting ${connection} (or ${connection}__queueServiceUri) is not set`);
}
