import { app } from "@azure/functions";
import { loadInstanceRuntime } from "../lib/app/instanceRuntime";
import { createJobConsumerHandler, jobQueueName, storageConnectionName } from "../lib/jobs";

app.storageQueue("userSignoutJob", {
  queueName: jobQueueName,
  connection: storageConnectionName,
  handler: createJobConsumerHandler(loadInstanceRuntime),
});
