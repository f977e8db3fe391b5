// The asynchronous path's one front door for the layers above (http/, app/, functions/): accept an
// operation, read it, consume its messages, and the names and shapes those layers must share. The
// rest of jobs/ (the store's Table mapping, the job steps, the merges) stays behind it.
export { acceptSignOutJob, jobSpecOf } from "./acceptSignOutJob";
export { readOperation, type OperationQuery, type OperationRead } from "./readOperation";
export { createTableOperationStore } from "./tableOperationStore";
export { createJobConsumerHandler, createPoisonHandler, type JobRuntime } from "./jobConsumerHandlers";
export { operationIdPattern } from "./jobMessage";
export { jobQueueName, poisonQueueName, storageConnectionName } from "./jobNames";
export { createJobStorage, type JobStorage } from "./jobStorage";
export { operationPhases, operationProgressFieldsSchema } from "./operationProgress";
