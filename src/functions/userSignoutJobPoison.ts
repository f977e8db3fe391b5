import { app } from "@azure/functions";
import { loadInstanceRuntime } from "../lib/app/instanceRuntime";
import { createPoisonHandler, poisonQueueName, storageConnectionName } from "../lib/jobs";

app.storageQueue("userSignoutJobPoison", {
  queueName: poisonQueueName,
  connection: storageConnectionName,
  handler: createPoisonHandler(loadInstanceRuntime),
});
