import { app } from "@azure/functions";
import { loadInstanceRuntime } from "../http/instanceRuntime";
import { createPoisonHandler } from "../jobs/jobConsumerHandlers";
import { poisonQueueName, storageConnectionName } from "../jobs/jobNames";

app.storageQueue("userSignoutJobPoison", {
  queueName: poisonQueueName,
  connection: storageConnectionName,
  handler: createPoisonHandler({ loadRuntime: loadInstanceRuntime }),
});
