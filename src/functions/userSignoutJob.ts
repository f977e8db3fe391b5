import { app } from "@azure/functions";
import { loadInstanceRuntime } from "../lib/app/instanceRuntime";
import { createJobConsumerHandler } from "../lib/jobs/jobConsumerHandlers";
import { jobQueueName, storageConnectionName } from "../lib/jobs/jobNames";

app.storageQueue("userSignoutJob", {
  queueName: jobQueueName,
  connection: storageConnectionName,
  handler: createJobConsumerHandler(loadInstanceRuntime),
});
