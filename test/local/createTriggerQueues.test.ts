import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { QueueServiceClient } from "@azure/storage-queue";
import { createTriggerQueues } from "../../local/createTriggerQueues";
import { describeFunctionApp } from "../../local/forkFunctionsHost";
import { startAzurite, type AzuriteInstance } from "../../local/startAzurite";
import { fixtureAppRoot } from "./localHostProcess";

let azurite: AzuriteInstance;
before(async () => {
  azurite = await startAzurite();
});
after(() => azurite.close());

describe("the trigger queues npm start creates", () => {
  it("are the queues named in the registered queueTrigger metadata, each with its -poison queue", async () => {
    const metadata = await describeFunctionApp({ PATH: process.env.PATH, FUNCTIONS_APP_ROOT: fixtureAppRoot() });
    const queueTrigger = metadata.find((fn) => fn.name === "echo")?.bindings;
    assert.ok(queueTrigger);
    assert.ok(
      Object.values(queueTrigger).some(
        (binding) =>
          binding.type === "queueTrigger" &&
          binding.queueName === "fixture-echo" &&
          binding.connection === "AzureWebJobsStorage" &&
          binding.direction === "in",
      ),
    );

    const created = await createTriggerQueues(azurite.connectionString, metadata);
    const expected = [
      ...["fixture-echo", "fixture-failing", "fixture-gated"].flatMap((name) => [name, `${name}-poison`]),
      // A trigger on a poison queue: the host makes no `-poison-poison` queue for it.
      "fixture-doomed-poison",
    ];
    assert.deepEqual([...created].sort(), [...expected].sort());
    const listed: string[] = [];
    for await (const queue of QueueServiceClient.fromConnectionString(azurite.connectionString).listQueues()) {
      listed.push(queue.name);
    }
    assert.deepEqual(listed.sort(), [...expected].sort());
  });
});
