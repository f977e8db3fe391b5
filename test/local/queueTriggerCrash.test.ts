import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { QueueClient } from "@azure/storage-queue";
import { startAzurite, type AzuriteInstance } from "../../local/startAzurite";
import { base64Json, isInvocation, isQueueEvent, startLocalHost, type LocalHostProcess } from "./localHostProcess";

let azurite: AzuriteInstance;
const hosts: LocalHostProcess[] = [];

before(async () => {
  azurite = await startAzurite();
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.kill()));
});
after(() => azurite.close());

async function startHost(): Promise<LocalHostProcess> {
  // A short lease (local-only knob) so the crashed host's message comes back within the test.
  const host = await startLocalHost({
    AzureWebJobsStorage: azurite.connectionString,
    LOCAL_HOST_QUEUE_LEASE_SECONDS: "2",
  });
  hosts.push(host);
  return host;
}

describe("a host killed while a queue-triggered function runs", () => {
  it("leaves the message invisible until its lease ends; the next host receives it again with dequeueCount 2", async () => {
    const queue = new QueueClient(azurite.connectionString, "fixture-gated");
    await queue.create();
    const sent = await queue.sendMessage(base64Json({ jobId: "job-crash" }));

    const first = await startHost();
    const firstRun = await first.waitFor("the first delivery", (m) => isInvocation(m, "gated"));
    assert.equal((firstRun.triggerMetadata as { dequeueCount: number }).dequeueCount, 1);
    await first.kill("SIGKILL");
    hosts.splice(hosts.indexOf(first), 1);
    // Still leased to the dead host: invisible, but not gone.
    assert.equal((await queue.peekMessages()).peekedMessageItems.length, 0);
    assert.equal((await queue.getProperties()).approximateMessagesCount, 1);

    const second = await startHost();
    const secondRun = await second.waitFor("the redelivery", (m) => isInvocation(m, "gated"));
    const metadata = secondRun.triggerMetadata as { id: string; dequeueCount: number };
    assert.equal(metadata.id, sent.messageId);
    assert.equal(metadata.dequeueCount, 2);
    assert.deepEqual(secondRun.message, { jobId: "job-crash" });

    second.release(metadata.id);
    await second.waitFor("the message to be deleted", (m) => isQueueEvent(m, "completed", "fixture-gated"));
    assert.equal((await queue.getProperties()).approximateMessagesCount, 0);
  });

  it("keeps renewing the lease while the function runs, so a slow function is not delivered twice", async () => {
    const queue = new QueueClient(azurite.connectionString, "fixture-gated");
    await queue.createIfNotExists();
    await queue.sendMessage(base64Json({ jobId: "job-slow" }));
    const host = await startHost();
    const run = await host.waitFor("the delivery", (m) => isInvocation(m, "gated"));
    const id = (run.triggerMetadata as { id: string }).id;
    // Two renewals (every lease / 2 = 1 s) take the run past its first 2 s lease.
    await host.waitFor(
      "two lease renewals",
      () => host.messages.filter((m) => isQueueEvent(m, "leaseRenewed", "fixture-gated")).length >= 2,
    );
    assert.equal((await queue.peekMessages()).peekedMessageItems.length, 0, "still leased");
    host.release(id);
    await host.waitFor("the message to be deleted", (m) => isQueueEvent(m, "completed", "fixture-gated"));
    assert.equal(host.messages.filter((m) => isInvocation(m, "gated")).length, 1);
  });
});
