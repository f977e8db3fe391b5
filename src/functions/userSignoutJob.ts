import { app } from "@azure/functions";
import { loadInstanceRuntime } from "../http/instanceRuntime";
import { createJobConsumerHandler } from "../jobs/jobConsumerHandlers";
import { jobQueueName, storageConnectionName } from "../jobs/jobNames";

app.storageQueue("userSignoutJob", {
  queueName: jobQueueName,
  connection: storageConnectionName,
  handler: createJobConsumerHandler({ loadRuntime: loadInstanceRuntime }),
});
