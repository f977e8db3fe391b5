/** Names shared with the function registrations and the deployment (Bicep creates the queue and table). */
export const jobQueueName = "avd-signout-jobs";
/** Where the host moves a message after `maxDequeueCount` (5) failed deliveries. */
export const poisonQueueName = `${jobQueueName}-poison`;
export const operationsTableName = "avdSignoutOperations";
/** The app setting (prefix) the queue triggers and the app's own Storage clients read. */
export const storageConnectionName = "AzureWebJobsStorage";
