import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, beforeEach, describe, it } from "node:test";
import { startAsyncHarness, type AsyncHarness } from "./asyncHarness";
import { aliceSessions, everyoneButAlice, tenantScenario } from "../integration/tenantScenario";
import { encodeJobMessage } from "../../src/lib/jobs/jobMessage";
import { newOperationId } from "../../src/lib/jobs/operationToken";
import { InvocationContext } from "@azure/functions";
import { createRuntimeLoader } from "../../src/lib/app/createRuntimeLoader";
import { createJobConsumerHandler } from "../../src/lib/jobs/jobConsumerHandlers";

let harness: AsyncHarness;

before(async () => {
  harness = await startAsyncHarness(tenantScenario());
});
after(() => harness.close());
beforeEach(async () => {
  harness.setClockOffset(0);
  await harness.queue.clearMessages();
  await harness.poisonQueue.clearMessages();
  harness.emulator.load(tenantScenario());
  harness.logs.length = 0;
});

function remaining(): string[] {
  return harness.emulator
    .sessions()
    .map((s) => `${s.subscriptionId.slice(0, 8)}/${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.userPrincipalName}`)
    .sort();
}

const base64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64");

/** Accepts alice's job and takes its message off the queue, so that the test decides what is delivered. */
async function acceptedAlice(body: Record<string, unknown> = {}): Promise<{ location: string; operationId: string }> {
  const accepted = await harness.post({ userPrincipalName: "alice@contoso.com", ...body }, { prefer: "respond-async" });
  assert.equal(accepted.status, 202);
  await harness.queue.clearMessages();
  return { location: accepted.headers.location!, operationId: accepted.body.operationId };
}

function refusals(): string[] {
  return harness.logs
    .filter((line) => line.includes('"event":"userSignoutJob.refused"'))
    .map((line) => /"reason":"(\w+)"/.exec(line)?.[1] ?? "");
}

describe("job messages are pointers: a message the record does not back is refused, never acted on", () => {
  it("refuses a message that names users (the old format) — another user is never signed out or messaged", async () => {
    const { operationId } = await acceptedAlice();
    await harness.queue.sendMessage(
      base64({ v: 1, operationId, chunk: 0, stage: "all", userPrincipalNames: ["bob@contoso.com"] }),
    );
    await harness.drain();
    assert.deepEqual(refusals(), ["unreadable"]);
    assert.equal(harness.emulator.calls().length, 0, "no ARM call");
    assert.deepEqual(remaining(), [...everyoneButAlice, ...aliceSessions].sort());
  });

  it("refuses an unknown operation, a chunk the operation does not have, and a stage outside its plan", async () => {
    const { operationId } = await acceptedAlice();
    for (const message of [
      { v: 2, operationId: newOperationId(), chunk: 0, stage: "all" },
      { v: 2, operationId, chunk: 1, stage: "all" },
      { v: 2, operationId, chunk: 0, stage: "act" },
      { v: 2, operationId, chunk: 0, stage: "notify" },
    ]) {
      await harness.queue.sendMessage(encodeJobMessage(message as Parameters<typeof encodeJobMessage>[0]));
    }
    await harness.drain();
    assert.deepEqual(refusals().sort(), ["stageNotInPlan", "stageNotInPlan", "unknownChunk", "unknownOperation"]);
    assert.equal(harness.emulator.calls().length, 0);
    assert.equal(await harness.queue.getProperties().then((p) => p.approximateMessagesCount), 0, "refused = deleted");
  });

  it("refuses an act message before the notice and the grace period of a notify-first operation", async () => {
    const { operationId, location } = await acceptedAlice({
      notify: { title: "Leaving", message: "You will be signed out." },
      gracePeriodSeconds: 600,
    });
    await harness.queue.sendMessage(encodeJobMessage({ v: 2, operationId, chunk: 0, stage: "act" }));
    await harness.drain();
    assert.deepEqual(refusals(), ["actBeforeNotice"]);
    assert.equal(harness.emulator.calls().length, 0, "no notice, no action");

    // The real notice goes out; an act that comes now, mid-grace period, is refused too.
    await harness.queue.sendMessage(encodeJobMessage({ v: 2, operationId, chunk: 0, stage: "notify" }));
    await harness.pumpOnce();
    harness.logs.length = 0;
    await harness.queue.sendMessage(encodeJobMessage({ v: 2, operationId, chunk: 0, stage: "act" }));
    await harness.pumpOnce();
    assert.deepEqual(refusals(), ["actBeforeGracePeriod"]);
    assert.equal(harness.emulator.calls().filter((call) => call.method === "DELETE").length, 0);
    assert.deepEqual(remaining(), [...everyoneButAlice, ...aliceSessions].sort());
    const status = await harness.get(location);
    assert.equal(status.status, 202);
    assert.equal(status.body.phase, "waiting");
  });

  it("lets a poison message fail only a chunk whose deliveries failed here", async () => {
    const { operationId, location } = await acceptedAlice();
    await harness.poisonQueue.sendMessage(encodeJobMessage({ v: 2, operationId, chunk: 0, stage: "all" }));
    await harness.drain();
    await harness.queue.sendMessage(encodeJobMessage({ v: 2, operationId, chunk: 0, stage: "all" }));
    await harness.drain();
    const done = await harness.get(location);
    assert.equal(done.status, 200, "the forged poison message did not fail the operation");
    assert.deepEqual(remaining(), everyoneButAlice);
  });
});

describe("every message replayed after completion changes nothing", () => {
  it("replays each message of a notify-first operation after it completed: no ARM call, the same report", async () => {
    const accepted = await harness.post(
      {
        userPrincipalName: "alice@contoso.com",
        notify: { title: "Leaving", message: "You will be signed out." },
        gracePeriodSeconds: 1,
      },
      { prefer: "respond-async" },
    );
    // Every message the job sends, recorded as sent (the act message is delayed by the grace period).
    const sent: string[] = [];
    const queue = harness.queue;
    const send = queue.sendMessage.bind(queue);
    queue.sendMessage = (text, options) => {
      sent.push(text);
      return send(text, options);
    };
    try {
      sent.push(...(await queue.peekMessages()).peekedMessageItems.map((item) => item.messageText));
      for (let poll = 0; poll < 100; poll++) {
        await harness.pumpOnce();
        if ((await harness.get(accepted.headers.location!)).status !== 202) break;
        await delay(100);
      }
    } finally {
      queue.sendMessage = send;
    }
    const first = await harness.get(accepted.headers.location!);
    assert.equal(first.status, 200);
    const calls = harness.emulator.calls().length;
    assert.ok(sent.length >= 2, "the notify and the act message");
    for (const text of sent) await harness.queue.sendMessage(text);
    await harness.drain();
    assert.equal(harness.emulator.calls().length, calls, "no ARM call");
    const again = await harness.get(accepted.headers.location!);
    assert.deepEqual(again.body.counts, first.body.counts);
    assert.deepEqual(again.body.sessions, first.body.sessions);
  });
});

describe("an account protected after its job was accepted", () => {
  it("is not touched: the consumer refuses the chunk as a whole and the operation reads failed, naming it", async () => {
    const { location, operationId } = await acceptedAlice();
    // The instance that consumes the job reads AVD_PROTECTED_USERS as it is now.
    const later = createRuntimeLoader({
      environment: { ...harness.settings, AVD_PROTECTED_USERS: "Alice@Contoso.com" },
      armPipelineOptions: { tlsOptions: { ca: harness.emulator.caCertificatePem } },
    });
    const consumer = createJobConsumerHandler(later);
    await consumer(
      { v: 2, operationId, chunk: 0, stage: "all" },
      new InvocationContext({ invocationId: "later", functionName: "userSignoutJob", logHandler: () => undefined }),
    );
    assert.equal(harness.emulator.calls().length, 0, "no ARM call");
    assert.deepEqual(remaining(), [...everyoneButAlice, ...aliceSessions].sort());
    const done = await harness.get(location);
    assert.equal(done.status, 502);
    assert.equal(done.body.operation.failures[0]?.code, "ProtectedAccount");
    assert.match(done.body.operation.failures[0]?.message ?? "", /alice@contoso\.com/);
  });
});
