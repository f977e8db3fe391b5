import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { QueueClient } from "@azure/storage-queue";
import { TableClient } from "@azure/data-tables";
import { startAzurite, type AzuriteInstance } from "../../local/startAzurite";

let azurite: AzuriteInstance;
before(async () => {
  azurite = await startAzurite();
});
after(() => azurite.close());

describe("Azurite for local runs and tests", () => {
  it("serves queues and tables on loopback through the connection string the app reads", async () => {
    const queue = new QueueClient(azurite.connectionString, "probe");
    await queue.create();
    await queue.sendMessage("hello");
    const received = await queue.receiveMessages();
    assert.equal(received.receivedMessageItems[0]?.messageText, "hello");

    const table = TableClient.fromConnectionString(azurite.connectionString, "probe", {
      allowInsecureConnection: true,
    });
    await table.createTable();
    await table.createEntity({ partitionKey: "p", rowKey: "r", value: 1 });
    assert.equal((await table.getEntity<{ value: number }>("p", "r")).value, 1);
    assert.match(azurite.queueEndpoint, /^http:\/\/127\.0\.0\.1:\d+\//);
  });
});
