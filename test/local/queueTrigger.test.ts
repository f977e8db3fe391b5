import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { QueueClient } from "@azure/storage-queue";
import { startAzurite, type AzuriteInstance } from "../../local/startAzurite";
import { base64Json, isInvocation, isQueueEvent, startLocalHost, type LocalHostProcess } from "./localHostProcess";

let azurite: AzuriteInstance;
let host: LocalHostProcess | undefined;

before(async () => {
  azurite = await startAzurite();
});
afterEach(async () => {
  await host?.kill();
  host = undefined;
});
after(() => azurite.close());

async function queueWith(name: string, ...messages: string[]): Promise<QueueClient> {
  const queue = new QueueClient(azurite.connectionString, name);
  await queue.createIfNotExists();
  for (const message of messages) await queue.sendMessage(message);
  return queue;
}

async function messageCount(queue: QueueClient): Promise<number> {
  if (!(await queue.exists())) return 0;
  return (await queue.getProperties()).approximateMessagesCount ?? 0;
}

async function startHost(): Promise<LocalHostProcess> {
  host = await startLocalHost({ AzureWebJobsStorage: azurite.connectionString });
  return host;
}

describe("queue triggers on the local host (fixture app, Azurite)", () => {
  it("hands a base64 JSON message to the function parsed, with the host's trigger metadata", async () => {
    const queue = await queueWith("fixture-echo");
    const sent = await queue.sendMessage(base64Json({ jobId: "job-1", users: ["alice@contoso.com"] }));
    const running = await startHost();

    const invoked = await running.waitFor("the echo function to run", (m) => isInvocation(m, "echo"));
    assert.deepEqual(invoked.message, { jobId: "job-1", users: ["alice@contoso.com"] });
    const metadata = invoked.triggerMetadata as Record<string, unknown>;
    assert.equal(metadata.id, sent.messageId);
    assert.equal(metadata.dequeueCount, 1);
    for (const time of ["insertionTime", "expirationTime", "nextVisibleTime"]) {
      assert.ok(!Number.isNaN(Date.parse(String(metadata[time]))), `${time} is a date`);
    }
    assert.equal(typeof metadata.popReceipt, "string");

    await running.waitFor("the message to be deleted", (m) => isQueueEvent(m, "completed", "fixture-echo"));
    assert.equal(await messageCount(queue), 0);
  });

  it("retries a failing function and moves the message to <queue>-poison after maxDequeueCount, body unchanged", async () => {
    const body = base64Json({ jobId: "job-fails" });
    const queue = await queueWith("fixture-failing", body);
    const running = await startHost();

    await running.waitFor("the message to be poisoned", (m) => isQueueEvent(m, "poisoned", "fixture-failing"));
    const attempts = running.messages.filter((m) => isInvocation(m, "failing"));
    // host.json of the fixture: maxDequeueCount 3.
    assert.deepEqual(
      attempts.map((m) => (m.triggerMetadata as { dequeueCount: number }).dequeueCount),
      [1, 2, 3],
    );
    assert.equal(await messageCount(queue), 0);
    const poison = await new QueueClient(azurite.connectionString, "fixture-failing-poison").peekMessages();
    assert.deepEqual(
      poison.peekedMessageItems.map((m) => m.messageText),
      [body],
    );
  });

  it("gives a -poison queue no poison queue: a failing poison handler's message comes back after its lease, past maxDequeueCount", async () => {
    const body = base64Json({ jobId: "job-doomed" });
    const queue = await queueWith("fixture-doomed-poison", body);
    host = await startLocalHost({ AzureWebJobsStorage: azurite.connectionString, LOCAL_HOST_QUEUE_LEASE_SECONDS: "1" });
    const running = host;
    // host.json of the fixture: maxDequeueCount 3, visibilityTimeout 0 — neither applies here.
    await running.waitFor(
      "a fourth delivery",
      () => running.messages.filter((m) => isInvocation(m, "doomedPoison")).length >= 4,
    );
    const deliveries = running.messages
      .filter((m) => isInvocation(m, "doomedPoison"))
      .map((m) => (m.triggerMetadata as { dequeueCount: number }).dequeueCount);
    assert.deepEqual(deliveries.slice(0, 4), [1, 2, 3, 4]);
    assert.ok(running.messages.some((m) => isQueueEvent(m, "leftInvisible", "fixture-doomed-poison")));
    assert.ok(!running.messages.some((m) => isQueueEvent(m, "poisoned", "fixture-doomed-poison")));
    assert.equal(await new QueueClient(azurite.connectionString, "fixture-doomed-poison-poison").exists(), false);
    const left = await queue.peekMessages();
    assert.equal(left.peekedMessageItems.length, 0, "the message is invisible under its lease, not gone");
    assert.ok((await queue.getProperties()).approximateMessagesCount! >= 1);
  });

  it("moves a message that is not base64 to the poison queue without running the function", async () => {
    const queue = await queueWith("fixture-echo", '{"jobId":"plain-json"}');
    const running = await startHost();

    await running.waitFor("the message to be poisoned", (m) => isQueueEvent(m, "poisoned", "fixture-echo"));
    assert.equal(running.messages.filter((m) => isInvocation(m, "echo")).length, 0);
    assert.equal(await messageCount(queue), 0);
    const poison = await new QueueClient(azurite.connectionString, "fixture-echo-poison").peekMessages();
    assert.ok(poison.peekedMessageItems.some((m) => m.messageText === '{"jobId":"plain-json"}'));
  });

  it("runs at most batchSize messages, and fetches more only when no more than newBatchThreshold run", async () => {
    const queue = await queueWith("fixture-gated", ...[1, 2, 3, 4, 5].map((n) => base64Json({ n })));
    const running = await startHost();
    const started = () => running.messages.filter((m) => isInvocation(m, "gated"));
    const idOf = (m: { triggerMetadata: unknown }) => String((m.triggerMetadata as { id: string }).id);

    // host.json of the fixture: batchSize 2, newBatchThreshold 1.
    const first = await running.waitFor("the listener to stop at capacity", (m) =>
      isQueueEvent(m, "atCapacity", "fixture-gated"),
    );
    assert.equal(first.queueEvent.inFlight, 2);
    await running.waitFor("two gated invocations", () => started().length === 2);

    running.release(idOf(started()[0]!));
    const second = await running.waitFor(
      "the listener to stop at capacity again",
      (m) => isQueueEvent(m, "atCapacity", "fixture-gated") && m !== first,
    );
    assert.ok(isQueueEvent(second, "atCapacity", "fixture-gated"));
    assert.equal(second.queueEvent.inFlight, 3, "batchSize + newBatchThreshold");
    await running.waitFor("four gated invocations", () => started().length === 4);

    let released = 1;
    while (released < 5) {
      await running.waitFor("another gated invocation", () => started().length > released);
      running.release(idOf(started()[released]!));
      released++;
    }
    await running.waitFor(
      "all five messages to complete",
      () => running.messages.filter((m) => isQueueEvent(m, "completed", "fixture-gated")).length === 5,
    );
    assert.equal(await messageCount(queue), 0);
  });
});

describe("HTTP functions on the local host (fixture app)", () => {
  it("serves route parameters to a real HttpRequest behind the function key, and anonymous routes without it", async () => {
    const running = await startHost();
    const withKey = await fetch(`${running.url}/api/fixture/items/42?q=x`, {
      headers: { "x-functions-key": running.functionKey },
    });
    assert.equal(withKey.status, 200);
    assert.deepEqual(await withKey.json(), { id: "42", realRequest: true, query: "x" });
    assert.equal((await fetch(`${running.url}/api/fixture/items/42?code=${running.functionKey}`)).status, 200);
    assert.equal((await fetch(`${running.url}/api/fixture/items/42`)).status, 401);
    assert.equal((await fetch(`${running.url}/api/fixture/items/42`, { method: "POST" })).status, 405);
    assert.equal((await fetch(`${running.url}/api/fixture/nothing`)).status, 404);
    const health = await fetch(`${running.url}/api/fixture/health`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), "ok");
  });
});
