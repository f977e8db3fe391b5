import { app } from "@azure/functions";
import { loadInstanceRuntime } from "../lib/app/instanceRuntime";
import { createPoisonHandler } from "../lib/jobs/jobConsumerHandlers";
import { poisonQueueName, storageConnectionName } from "../lib/jobs/jobNames";

app.storageQueue("userSignoutJobPoison", {
  queueName: poisonQueueName,
  connection: storageConnectionName,
  handler: createPoisonHandler(loadInstanceRuntime),
});
