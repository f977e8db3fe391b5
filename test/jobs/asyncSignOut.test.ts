import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, beforeEach, describe, it } from "node:test";
import { startAsyncHarness, type AsyncHarness } from "./asyncHarness";
import { aliceSessions, everyoneButAlice, tenantScenario } from "../integration/tenantScenario";
import { buildOpenApiDocument } from "../../src/lib/http/openApiDocument";
import { signOutRequestSchema } from "../../src/lib/http/signOutRequest";
import { validateAgainstSwaggerSchema, type Schema } from "../unit/openapi/validateAgainstSwaggerSchema";

let harness: AsyncHarness;

before(async () => {
  harness = await startAsyncHarness(tenantScenario());
});
after(() => harness.close());

beforeEach(async () => {
  harness.breakConsumer(undefined);
  harness.setClockOffset(0);
  await harness.queue.clearMessages();
  await harness.poisonQueue.clearMessages();
  harness.emulator.load(tenantScenario());
  harness.jobs.length = 0;
});

async function tableEntities(): Promise<number> {
  let count = 0;
  for await (const entity of harness.table.listEntities()) if (entity.partitionKey !== "") count++;
  return count;
}

function remaining(): string[] {
  return harness.emulator
    .sessions()
    .map((s) => `${s.subscriptionId.slice(0, 8)}/${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.userPrincipalName}`)
    .sort();
}

async function visibleMessages(): Promise<number> {
  const properties = await harness.queue.getProperties();
  return properties.approximateMessagesCount ?? 0;
}

/** Polls the status URL (and the queues) until the answer is no longer 202, within a bound. */
async function pollUntilDone(statusUrl: string, bound = 300): Promise<Awaited<ReturnType<AsyncHarness["get"]>>> {
  for (let poll = 0; poll < bound; poll++) {
    await harness.pumpOnce();
    const answer = await harness.get(statusUrl);
    if (answer.status !== 202) return answer;
    await delay(100);
  }
  throw new Error(`the operation was still running after ${bound} polls`);
}

describe("asynchronous sign-out on Azure Storage queues (Azurite) against the emulated tenant", () => {
  it("answers 202 with Location and Retry-After, reads 202 while queued, then 200 with the full report", async () => {
    const accepted = await harness.post({ userPrincipalName: "alice@contoso.com" }, { prefer: "respond-async" });
    assert.equal(accepted.status, 202);
    const location = accepted.headers.location!;
    assert.match(
      location,
      /^https:\/\/avd-signout\.example\.net\/api\/avd\/user-signout\/operations\/[\w-]{22}\?token=[\w-]{43}$/,
    );
    assert.equal(accepted.headers["retry-after"], "10");
    assert.equal(accepted.headers["preference-applied"], "respond-async");
    assert.equal(accepted.body.statusUrl, location);
    assert.equal(accepted.body.status, "running");
    assert.match(accepted.body.operationId, /^[\w-]{22}$/);
    assert.equal(harness.emulator.calls().length, 0, "nothing reached ARM while accepting");
    assert.ok(
      !JSON.stringify(accepted.logs).includes(new URL(location).searchParams.get("token")!),
      "the token is never logged",
    );

    const queued = await harness.get(location);
    assert.equal(queued.status, 202);
    assert.equal(queued.body.phase, "queued");
    assert.equal(queued.headers.location, location);
    assert.equal(queued.headers["retry-after"], "10");

    assert.equal(await harness.drain(), 1);
    const done = await harness.get(location);
    assert.equal(done.status, 200);
    assert.equal(done.body.status, "completed");
    assert.equal(done.body.operationId, accepted.body.operationId);
    assert.equal(done.body.userPrincipalName, "alice@contoso.com");
    assert.equal(done.body.counts.signedOut, 4);
    assert.equal(done.body.sessions.length, 4);
    assert.equal(done.body.operation.status, "completed");
    assert.deepEqual(remaining(), everyoneButAlice);
  });

  it("takes the body field async: true like the header", async () => {
    const accepted = await harness.post({ userPrincipalName: "alice@contoso.com", async: true });
    assert.equal(accepted.status, 202);
    assert.equal(accepted.headers["preference-applied"], undefined);
    await harness.drain();
    assert.equal((await harness.get(accepted.headers.location!)).status, 200);
  });

  it("rejects a bad request at once with nothing queued and nothing recorded", async () => {
    const before = await tableEntities();
    const bad = await harness.post({ userPrincipleName: "alice@contoso.com" }, { prefer: "respond-async" });
    assert.equal(bad.status, 400);
    const outside = await harness.post({
      userPrincipalName: "alice@contoso.com",
      subscriptionIds: ["99999999-9999-4999-8999-999999999999"],
      async: true,
    });
    assert.equal(outside.status, 400);
    assert.equal(await visibleMessages(), 0);
    assert.equal(await tableEntities(), before);
    assert.equal(harness.emulator.calls().length, 0);
  });

  it("answers 404 alike for an unknown operation and a wrong token", async () => {
    const accepted = await harness.post({ userPrincipalName: "alice@contoso.com" }, { prefer: "respond-async" });
    const location = new URL(accepted.headers.location!);
    const wrongToken = new URL(location);
    wrongToken.searchParams.set("token", "A".repeat(43));
    const noToken = new URL(location);
    noToken.search = "";
    const unknown = new URL(location);
    unknown.pathname = unknown.pathname.replace(/[\w-]{22}$/, "B".repeat(22));
    for (const url of [wrongToken, noToken, unknown]) {
      const answer = await harness.get(url.toString());
      assert.equal(answer.status, 404, url.toString());
      assert.equal(answer.body.error.code, "OperationNotFound");
    }
  });

  it("notifies, lets the grace period pass as a delayed message, and only then signs out", async () => {
    const accepted = await harness.post(
      {
        userPrincipalName: "alice@contoso.com",
        notify: { title: "Maintenance", message: "You will be signed out in 3 seconds." },
        gracePeriodSeconds: 3,
      },
      { prefer: "respond-async" },
    );
    assert.equal(accepted.status, 202);
    assert.equal(accepted.body.phase, "notifying");
    assert.equal(await harness.drain(), 1, "the notify message ran; the act message is not visible yet");
    const sends = harness.emulator.calls().filter((call) => call.operation === "sendMessage");
    assert.ok(sends.length > 0);
    assert.equal(harness.emulator.calls().filter((call) => call.operation === "deleteUserSession").length, 0);
    assert.deepEqual(remaining(), [...everyoneButAlice, ...aliceSessions].sort(), "no session touched yet");

    const waiting = await harness.get(accepted.headers.location!);
    assert.equal(waiting.status, 202);
    assert.equal(waiting.body.phase, "waiting");
    assert.ok(Number(waiting.headers["retry-after"]) >= 5);
    assert.equal(waiting.body.notifications.sent, sends.length);

    const done = await pollUntilDone(accepted.headers.location!);
    assert.equal(done.status, 200);
    assert.deepEqual(remaining(), everyoneButAlice);
    const calls = harness.emulator.calls();
    const lastSend = Math.max(...calls.filter((c) => c.operation === "sendMessage").map((c) => c.startedAtMs));
    const firstDelete = Math.min(...calls.filter((c) => c.operation === "deleteUserSession").map((c) => c.startedAtMs));
    assert.ok(
      firstDelete - lastSend >= 3000,
      `the first delete came ${firstDelete - lastSend} ms after the last message`,
    );
    assert.deepEqual(
      harness.jobs.map((job) => [job.stage, job.gracePeriodMs]),
      [
        ["notify", 3000],
        ["act", 3000],
      ],
      "no stage waits inside a function: notify only messages, act only acts",
    );
    assert.equal(done.body.notifications.sent, sends.length);
    const active = done.body.sessions.filter((s: { sessionState: string }) => s.sessionState === "Active");
    assert.ok(
      active.every((s: { notification?: string }) => s.notification === "sent"),
      "notify outcomes merged",
    );
    assert.equal(done.body.gracePeriodSeconds, 3);
  });

  it("does nothing again when a message is delivered again after it was handled", async () => {
    const accepted = await harness.post({ userPrincipalName: "alice@contoso.com" }, { prefer: "respond-async" });
    const [message] = (await harness.queue.peekMessages()).peekedMessageItems;
    assert.equal(await harness.drain(), 1);
    const callsAfterFirst = harness.emulator.calls().length;
    await harness.queue.sendMessage(message!.messageText);
    assert.equal(await harness.drain(), 1);
    assert.equal(harness.emulator.calls().length, callsAfterFirst, "the second delivery made no ARM call");
    const done = await harness.get(accepted.headers.location!);
    assert.equal(done.status, 200);
    assert.equal(done.body.counts.signedOut, 4);
    assert.deepEqual(remaining(), everyoneButAlice);
  });

  it("does no harm when two deliveries of one message run at once: the second finds the sessions gone", async () => {
    const accepted = await harness.post({ userPrincipalName: "alice@contoso.com" }, { prefer: "respond-async" });
    const [message] = (await harness.queue.peekMessages()).peekedMessageItems;
    await harness.queue.sendMessage(message!.messageText);
    assert.equal(await harness.drain(), 2);
    const done = await harness.get(accepted.headers.location!);
    assert.equal(done.status, 200);
    assert.equal(done.body.status, "completed");
    assert.equal(done.body.counts.sessionsFound, 4);
    assert.equal(done.body.counts.signedOut + done.body.counts.alreadyGone, 4);
    assert.equal(done.body.counts.failed, 0);
    assert.deepEqual(remaining(), everyoneButAlice);
  });

  it("moves a message that always fails to the poison queue and reads the operation failed with the reason", async () => {
    harness.breakConsumer("Storage went away");
    const accepted = await harness.post({ userPrincipalName: "alice@contoso.com" }, { prefer: "respond-async" });
    await harness.drain();
    const failed = await harness.get(accepted.headers.location!);
    assert.equal(failed.status, 502);
    assert.equal(failed.body.status, "failed");
    assert.equal(failed.body.operation.failures[0]?.code, "MessageFailedRepeatedly");
    assert.match(failed.body.operation.failures[0]?.message ?? "", /failed 5 times.*Storage went away/);
    assert.equal(failed.body.users[0]?.status, "failed");
    assert.equal(await visibleMessages(), 0);
    assert.deepEqual(remaining(), [...everyoneButAlice, ...aliceSessions].sort());
  });

  it("forgets an operation after the retention period: its status URL answers 404 and the record is deleted", async () => {
    const accepted = await harness.post({ userPrincipalName: "alice@contoso.com" }, { prefer: "respond-async" });
    await harness.drain();
    harness.setClockOffset(6 * 86_400_000);
    assert.equal((await harness.get(accepted.headers.location!)).status, 200, "still there after 6 days");
    harness.setClockOffset(7 * 86_400_000 + 1000);
    assert.equal((await harness.get(accepted.headers.location!)).status, 404);
    let left = 0;
    for await (const entity of harness.table.listEntities({
      queryOptions: { filter: `PartitionKey eq '${accepted.body.operationId}'` },
    })) {
      left += entity.rowKey === undefined ? 0 : 1;
    }
    assert.equal(left, 0);
  });

  it("reads 504 past the job deadline, and a message that arrives after it touches nothing", async () => {
    const accepted = await harness.post({ userPrincipalName: "alice@contoso.com" }, { prefer: "respond-async" });
    harness.setClockOffset(7200 * 1000 + 1000);
    const late = await harness.get(accepted.headers.location!);
    assert.equal(late.status, 504);
    assert.equal(late.body.status, "deadlineExceeded");
    assert.equal(late.body.users[0]?.status, "deadlineExceeded");
    assert.equal(await harness.drain(), 1);
    assert.equal(harness.emulator.calls().length, 0, "nothing reached ARM after the deadline");
    const final = await harness.get(accepted.headers.location!);
    assert.equal(final.status, 504);
    assert.equal(final.body.operation.status, "deadlineExceeded");
    assert.ok(final.body.operation.completedAt !== undefined);
    assert.deepEqual(remaining(), [...everyoneButAlice, ...aliceSessions].sort());
  });

  it("answers in the shapes the OpenAPI document describes", async () => {
    const document = buildOpenApiDocument({ requestSchema: signOutRequestSchema });
    const definitions = document.definitions as Record<string, Schema>;
    const accepted = await harness.post(
      { userPrincipalNames: ["alice@contoso.com", "bob@contoso.com"] },
      { prefer: "respond-async" },
    );
    assert.deepEqual(validateAgainstSwaggerSchema(accepted.body, definitions.OperationProgress!, definitions), []);
    const running = await harness.get(accepted.headers.location!);
    assert.deepEqual(validateAgainstSwaggerSchema(running.body, definitions.OperationProgress!, definitions), []);
    await harness.drain();
    const done = await harness.get(accepted.headers.location!);
    assert.equal(done.status, 200);
    assert.deepEqual(validateAgainstSwaggerSchema(done.body, definitions.OperationReport!, definitions), []);
    const paths = document.paths as Record<
      string,
      Record<string, { responses: Record<string, { headers?: object }>; security?: unknown[] }>
    >;
    assert.ok(paths["/avd/user-signout"]!.post!.responses["202"]!.headers !== undefined);
    assert.deepEqual(Object.keys(paths["/avd/user-signout"]!.post!.responses["202"]!.headers), [
      "Location",
      "Retry-After",
    ]);
    const status = paths["/avd/user-signout/operations/{operationId}"]!.get!;
    assert.deepEqual(status.security, []);
    assert.deepEqual(Object.keys(status.responses).sort(), ["200", "202", "404", "500", "502", "504"]);
  });
});
