import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { describe, it } from "node:test";
import { QueueServiceClient } from "@azure/storage-queue";
import { readHostQueueSettings } from "../../local/hostQueueSettings";
import { jobQueueName, poisonQueueName } from "../../src/lib/jobs/jobNames";
import { isQueueEvent, type LocalHostProcess } from "../local/localHostProcess";
import { useAppHostStack, pollLocation, postAsync } from "../support/appHost";
import { aliceSessions, everyoneButAlice, tenantScenario } from "./tenantScenario";

const stack = useAppHostStack(tenantScenario);

// These runs use the project's own host.json (extensions.queues.visibilityTimeout, maxDequeueCount)
// on the local functions host, which applies it on a failed delivery as the Storage extension does.
const projectRoot = path.resolve(__dirname, "..", "..", "..");

function remaining(): string[] {
  return stack.emulator
    .sessions()
    .map((s) => `${s.subscriptionId.slice(0, 8)}/${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.userPrincipalName}`)
    .sort();
}

/**
 * Accepts alice's sign-out, takes Table storage away (answering `refusal`) once the job is acting
 * (its first log-off is in flight), waits for a delivery to fail on it, gives Table storage back
 * `outageMs` after it went away, and returns the host and the status URL.
 */
async function outageMidJob(
  refusal: "serverBusy" | "forbidden",
  outageMs: number,
): Promise<{ host: LocalHostProcess; location: string }> {
  stack.emulator.load(tenantScenario());
  const service = QueueServiceClient.fromConnectionString(stack.azurite.connectionString);
  for (const name of [jobQueueName, poisonQueueName]) await service.getQueueClient(name).clearMessages();
  const host = await stack.hosts.start({
    AzureWebJobsStorage: stack.proxy.connectionString(stack.azurite.connectionString),
  });
  const firstDelete = stack.emulator.gate({ method: "DELETE", limit: 1 });
  const accepted = await postAsync(host, { userPrincipalName: "alice@contoso.com" });
  assert.equal(accepted.status, 202);
  await firstDelete.arrived();
  stack.proxy.setUnavailable(true, refusal);
  const wentAway = Date.now();
  firstDelete.release();
  await host.waitFor("a delivery of the job to fail on the outage", (message) =>
    isQueueEvent(message, "failed", jobQueueName),
  );
  await delay(Math.max(0, outageMs - (Date.now() - wentAway)));
  stack.proxy.setUnavailable(false);
  return { host, location: accepted.headers.get("location")! };
}

async function assertCompletedWithoutPoison(host: LocalHostProcess, location: string): Promise<void> {
  // Bounded: the failed message returns after visibilityTimeout (30 s), then the job finishes.
  const polled = await pollLocation(location, 1200);
  assert.equal(polled.final.status, 200, JSON.stringify(polled.body));
  assert.equal(polled.body.status, "completed");
  assert.equal(polled.body.counts.signedOut, aliceSessions.length);
  assert.equal(polled.body.counts.failed, 0);
  assert.deepEqual(remaining(), everyoneButAlice);
  assert.deepEqual(
    host.messages.filter((message) => isQueueEvent(message, "poisoned", jobQueueName)),
    [],
    "no chunk went to the poison queue",
  );
  const poison = QueueServiceClient.fromConnectionString(stack.azurite.connectionString).getQueueClient(
    poisonQueueName,
  );
  assert.equal((await poison.peekMessages()).peekedMessageItems.length, 0);
  assert.ok(
    host.messages.some((message) => isQueueEvent(message, "failed", jobQueueName)),
    "the outage did fail a delivery (the retry was exercised)",
  );
}

describe("host.json's queue visibilityTimeout", () => {
  it("is at least 30 s, so the retries of maxDequeueCount span two minutes or more", () => {
    const settings = readHostQueueSettings(projectRoot, {});
    assert.ok(settings.visibilityTimeoutMs >= 30_000, `visibilityTimeout ${settings.visibilityTimeoutMs} ms`);
    assert.ok((settings.maxDequeueCount - 1) * settings.visibilityTimeoutMs >= 120_000);
    const hostJson = JSON.parse(readFileSync(path.join(projectRoot, "host.json"), "utf8")) as {
      extensions: { queues: Record<string, unknown> };
    };
    assert.ok("visibilityTimeout" in hostJson.extensions.queues, "set in host.json, not left to the default of 0");
  });
});

describe("asynchronous sign-out through transient Table storage faults", () => {
  it("Table storage answering 503 for 20 s mid-job poisons no chunk, and the job completes", async () => {
    const { host, location } = await outageMidJob("serverBusy", 20_000);
    await assertCompletedWithoutPoison(host, location);
  });

  it("a role assignment not yet in effect (403 for 5 s, which the SDK does not retry) poisons no chunk either", async () => {
    const { host, location } = await outageMidJob("forbidden", 5_000);
    await assertCompletedWithoutPoison(host, location);
  });
});
