import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { after, afterEach, before, describe, it } from "node:test";
import { QueueServiceClient } from "@azure/storage-queue";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { startAzurite, type AzuriteInstance } from "../../local/startAzurite";
import { isQueueEvent } from "../local/localHostProcess";
import { appHosts, pollLocation, postAsync, type AppHosts } from "../support/appHost";
import { jobQueueName, poisonQueueName } from "../../src/lib/jobs/jobNames";
import type { Scenario } from "../../emulator/scenario";
import { buildLeaversTenant } from "../../bench/leaversTenant";
import { aliceSessions, everyoneButAlice, tenantScenario } from "./tenantScenario";

let emulator: RunningEmulator;
let azurite: AzuriteInstance;
let hosts: AppHosts;

before(async () => {
  emulator = await startEmulator({ scenario: tenantScenario() });
  azurite = await startAzurite();
  hosts = appHosts(emulator, azurite, tenantScenario);
  const service = QueueServiceClient.fromConnectionString(azurite.connectionString);
  // The deployment creates the trigger queues; the host does not.
  for (const name of [jobQueueName, poisonQueueName]) await service.getQueueClient(name).createIfNotExists();
});
afterEach(() => hosts.killAll());
after(async () => {
  hosts.close();
  await Promise.all([emulator.close(), azurite.close()]);
});

const startAppHost = (extraSettings: Record<string, string> = {}, scenario?: Scenario) =>
  hosts.start(extraSettings, scenario);

function remaining(): string[] {
  return emulator
    .sessions()
    .map((s) => `${s.subscriptionId.slice(0, 8)}/${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.userPrincipalName}`)
    .sort();
}

describe("asynchronous sign-out end to end: the local functions host, Azurite and the emulated tenant", () => {
  it("answers 202, its Location answers 202 while the job runs and then 200 with the full report", async () => {
    emulator.load(tenantScenario());
    const host = await startAppHost();
    const accepted = await postAsync(host, { userPrincipalName: "alice@contoso.com" });
    assert.equal(accepted.status, 202);
    const location = accepted.headers.get("location")!;
    assert.ok(location.startsWith(`${host.url}/api/avd/user-signout/operations/`));
    assert.equal(accepted.headers.get("retry-after"), "10");
    const first = await fetch(location);
    assert.equal(first.status, 202, "the status URL works as given, without a function key");
    await first.body?.cancel();

    const polled = await pollLocation(location);
    assert.equal(polled.final.status, 200);
    assert.equal(polled.body.status, "completed");
    assert.equal(polled.body.counts.signedOut, 4);
    assert.deepEqual(remaining(), everyoneButAlice);
    const withKeyOnly = await fetch(location.replace(/\?token=.*$/, ""), {
      headers: { "x-functions-key": host.functionKey },
    });
    assert.equal(withKeyOnly.status, 404, "the function key is not the status URL's credential");
    await withKeyOnly.body?.cancel();
  });

  it("notifies, waits out a grace period of a few seconds as a delayed message, then signs out", async () => {
    emulator.load(tenantScenario());
    const host = await startAppHost();
    const accepted = await postAsync(host, {
      userPrincipalName: "alice@contoso.com",
      notify: { title: "Maintenance", message: "You will be signed out in 3 seconds." },
      gracePeriodSeconds: 3,
    });
    assert.equal(accepted.status, 202);
    const polled = await pollLocation(accepted.headers.get("location")!);
    assert.equal(polled.final.status, 200);
    assert.ok(
      polled.answers.some((answer) => answer.body.phase === "waiting"),
      "the status said it was waiting",
    );
    const calls = emulator.calls();
    const lastSend = Math.max(...calls.filter((c) => c.operation === "sendMessage").map((c) => c.startedAtMs));
    const firstDelete = Math.min(...calls.filter((c) => c.operation === "deleteUserSession").map((c) => c.startedAtMs));
    assert.ok(firstDelete - lastSend >= 3000, "no session was touched before the grace period ended");
    assert.deepEqual(remaining(), everyoneButAlice);
  });

  it("finishes the job with nothing lost when the host is killed mid-job and started again", async () => {
    emulator.load({ ...tenantScenario(), latencyMs: 150 });
    const first = await startAppHost();
    const accepted = await postAsync(first, { userPrincipalName: "alice@contoso.com" });
    const location = accepted.headers.get("location")!;
    await first.waitFor("the job message to be received", (m) => isQueueEvent(m, "received", jobQueueName));
    for (let poll = 0; poll < 300 && emulator.calls().length === 0; poll++) await delay(20);
    assert.ok(emulator.calls().length > 0, "the job had started calling ARM");
    await first.kill("SIGKILL");
    assert.ok(!first.messages.some((m) => isQueueEvent(m, "completed", jobQueueName)), "killed before it finished");

    const second = await startAppHost();
    const secondLocation = location.replace(first.url, second.url);
    const midway = await fetch(secondLocation);
    assert.equal(midway.status, 202, "still running: the message is leased to the dead host");
    await midway.body?.cancel();
    const polled = await pollLocation(secondLocation);
    assert.equal(polled.final.status, 200);
    assert.equal(polled.body.status, "completed");
    const outcomes = (polled.body.sessions as { outcome: string }[]).map((session) => session.outcome);
    assert.equal(outcomes.length, aliceSessions.length);
    assert.ok(outcomes.every((outcome) => outcome === "signedOut" || outcome === "alreadyGone"));
    assert.deepEqual(remaining(), everyoneButAlice);
    const service = QueueServiceClient.fromConnectionString(azurite.connectionString);
    assert.equal((await service.getQueueClient(jobQueueName).getProperties()).approximateMessagesCount, 0);
    assert.equal((await service.getQueueClient(poisonQueueName).getProperties()).approximateMessagesCount, 0);
  });

  it("moves a message that fails on every delivery to the poison queue and reads its operation failed with the reason", async () => {
    // Every listing takes 1.5 s and a message may run 1 s: each delivery is cut short and thrown back.
    emulator.load({ ...tenantScenario(), latencyMs: 1500 });
    // What is tested is the poison path, not the spacing of retries: host.json's 30 s between
    // deliveries is overridden, as an app setting can (test/integration/transientStorageFaults.test.ts keeps it).
    const host = await startAppHost({
      AVD_JOB_MESSAGE_TIMEOUT_SECONDS: "1",
      AzureFunctionsJobHost__extensions__queues__visibilityTimeout: "00:00:00",
    });
    const accepted = await postAsync(host, { userPrincipalName: "alice@contoso.com" });
    const polled = await pollLocation(accepted.headers.get("location")!);
    assert.equal(polled.final.status, 502);
    assert.equal(polled.body.status, "failed");
    const operation = polled.body.operation as { status: string; failures: { code: string; message: string }[] };
    assert.equal(operation.status, "failed");
    assert.equal(operation.failures[0]?.code, "MessageFailedRepeatedly");
    assert.match(operation.failures[0]?.message ?? "", /failed 5 times.*did not finish within 1000 ms/);
    const failures = host.messages.filter((m) => isQueueEvent(m, "failed", jobQueueName));
    assert.equal(failures.length, 5, "the host tried maxDequeueCount (5) times");
    // The poison handler wrote the failure before the host deleted its message.
    await host.waitFor("the poison message to be handled", (m) => isQueueEvent(m, "completed", poisonQueueName));
    assert.deepEqual(remaining(), [...everyoneButAlice, ...aliceSessions].sort(), "nothing was deleted");
  });

  it("signs out 1,000 leavers in one asynchronous request (only they), with ARM reads ≤ 10 × (S + H)", async () => {
    const tenant = buildLeaversTenant({
      subscriptions: 2,
      hostPoolsPerSubscription: 10,
      sessionHostsPerPool: 5,
      leavers: 1000,
    });
    emulator.load(tenant.scenario);
    // Deletes paced by the ARM budget (200, then 10/s per subscription) would take 30 s: not what this tests.
    const host = await startAppHost({ AVD_ARM_DELETE_BURST: "600" }, tenant.scenario);
    const accepted = await postAsync(host, { userPrincipalNames: tenant.leavers, reason: "Leavers" });
    assert.equal(accepted.status, 202);
    const polled = await pollLocation(accepted.headers.get("location")!);
    assert.equal(polled.final.status, 200);
    assert.equal(polled.body.counts.signedOut, 1000);
    const left = emulator
      .sessions()
      .map((s) => `${s.subscriptionId}/${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.userPrincipalName}`)
      .sort();
    assert.deepEqual(left, tenant.bystanders);
    const reads = emulator.calls().filter((call) => call.method === "GET").length;
    assert.ok(reads <= 10 * (tenant.subscriptions + tenant.hostPools), `${reads} ARM reads`);
    // The report is final once the last chunk is written; the host deletes the messages just after.
    await host.waitFor(
      "five job messages (200 users each) to be completed",
      () => host.messages.filter((m) => isQueueEvent(m, "completed", jobQueueName)).length >= 5,
    );
    assert.equal(host.messages.filter((m) => isQueueEvent(m, "completed", jobQueueName)).length, 5);
  });
});
