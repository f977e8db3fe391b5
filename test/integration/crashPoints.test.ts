import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { describe, it } from "node:test";
import { TableClient } from "@azure/data-tables";
import { QueueServiceClient } from "@azure/storage-queue";
import { jobQueueName, operationsTableName, poisonQueueName } from "../../src/lib/jobs/jobNames";
import { isQueueEvent, type LocalHostProcess } from "../local/localHostProcess";
import { countsOf, pick, type Counts } from "../support/sessionCounts";
import { useAppHostStack, pollLocation, postAsync } from "../support/appHost";
import { aliceSessions, everyoneButAlice, tenantScenario } from "./tenantScenario";

const stack = useAppHostStack(tenantScenario);

/**
 * The consumer's Table writes in an uninterrupted run of alice's job, each a crash point below: 3
 * intent batches and 3 outcome batches (one per host pool acted in), the journal's verified
 * outcomes, the chunk, the summary (finished by the consumer or, first, by a status read). The
 * first test counts them, so a change shows there first.
 */
const consumerWritesOfAJob = 9;
/** As the first test measured them. */
let consumerWrites = 0;

/** The app's Table traffic goes through the proxy; queues go straight to Azurite. */
const startHost = (settings: Record<string, string> = {}): Promise<LocalHostProcess> =>
  stack.hosts.start({ AzureWebJobsStorage: stack.proxy.connectionString(stack.azurite.connectionString), ...settings });

function remaining(): string[] {
  return stack.emulator
    .sessions()
    .map((s) => `${s.subscriptionId.slice(0, 8)}/${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.userPrincipalName}`)
    .sort();
}

function sessionKeys(body: Record<string, unknown>): string[] {
  return (body.sessions as { subscriptionId: string; hostPool: string; sessionHost: string; sessionId: string }[])
    .map((s) => `${s.subscriptionId.slice(0, 8)}/${s.hostPool}/${s.sessionHost}/${s.sessionId}`)
    .sort();
}

/** What every run must end with, whatever crashed where: 200, each of alice's 4 sessions once, signed out. */
async function assertExactlySignedOut(location: string): Promise<void> {
  const polled = await pollLocation(location);
  assert.equal(polled.final.status, 200, JSON.stringify(polled.body));
  assert.equal(polled.body.status, "completed");
  assert.equal(polled.body.counts.sessionsFound, 4);
  assert.equal(polled.body.counts.signedOut, 4, JSON.stringify(polled.body.sessions));
  assert.equal(polled.body.counts.alreadyGone, 0);
  assert.equal(polled.body.counts.failed, 0);
  assert.deepEqual(
    sessionKeys(polled.body),
    aliceSessions.map((line) => line.split(" ")[0]!).sort(),
    "every session the job touched, exactly once",
  );
  assert.deepEqual(remaining(), everyoneButAlice);
}

/** Resolves once the status URL answers other than 202; never, once `stop` aborts. */
async function whenFinished(location: string, stop: AbortSignal): Promise<undefined> {
  while (!stop.aborted) {
    try {
      const response = await fetch(location, { signal: stop });
      await response.body?.cancel();
      if (response.status !== 202) return undefined;
      await delay(100, undefined, { signal: stop });
    } catch {
      // Aborted, or the host was killed under the request.
    }
  }
  return new Promise<undefined>(() => undefined);
}

/**
 * Accepts alice's sign-out on a first host and arms `crash`; when it fires, SIGKILLs the host and
 * starts a second one. Undefined when the job finished before the crash point was reached: a
 * failure of the test (each crash point is a write or a call every run makes).
 */
async function crashAndRestart(
  crash: () => Promise<() => void>,
  disarm: () => void = () => undefined,
  extra: Record<string, unknown> = {},
  restart: Restart = {},
): Promise<string | undefined> {
  stack.emulator.load(tenantScenario());
  // A message an earlier run's host left behind (killed before it came back) must not run in this one.
  await QueueServiceClient.fromConnectionString(stack.azurite.connectionString)
    .getQueueClient(jobQueueName)
    .clearMessages();
  const first = await startHost();
  // Both subscriptions' listings wait until the crash point is armed, so the run is decided by the
  // test, not by timing (a scan opens at once: no gathering window holds a lone request back).
  const listing = stack.emulator.gate({ operation: "listHostPools" });
  const accepted = await postAsync(first, { userPrincipalName: "alice@contoso.com", ...extra });
  assert.equal(accepted.status, 202, accepted.status === 202 ? "" : await accepted.text());
  const location = accepted.headers.get("location")!;
  const armed = crash();
  await listing.arrived(2);
  listing.release();
  // The job finished before the crash point: its status URL stops answering 202.
  const stopWatching = new AbortController();
  const finished = whenFinished(location, stopWatching.signal);
  const afterKill = await Promise.race([armed, finished]).finally(() => stopWatching.abort());
  if (afterKill === undefined) {
    disarm();
    return undefined;
  }
  await first.kill("SIGKILL");
  afterKill();
  await restart.beforeRestart?.(operationIdOf(location));
  const second = await startHost(restart.settings);
  restart.started?.(second);
  return location.replace(first.url, second.url);
}

interface Restart {
  /** Between the kill and the second host's start. */
  readonly beforeRestart?: (operationId: string) => Promise<void>;
  /** The second host's extra settings. */
  readonly settings?: Record<string, string>;
  readonly started?: (host: LocalHostProcess) => void;
}

function operationIdOf(location: string): string {
  return decodeURIComponent(new URL(location).pathname.split("/").pop() ?? "");
}

/**
 * The crash point "after the deletes": every one of alice's sessions deleted, and the job in its
 * verification, listing HP-Alpha again (HP-Alpha's first listing ended before its deletes, so the
 * listing held is the verification's). Its outcomes are journaled; nothing says they were verified.
 */
async function duringVerification(): Promise<() => void> {
  const lastDelete = stack.emulator.gate({ method: "DELETE", skip: 3 });
  await lastDelete.arrived();
  const relisting = stack.emulator.gate({ operation: "listUserSessions", hostPool: "HP-Alpha" });
  lastDelete.release();
  await relisting.arrived();
  assert.deepEqual(remaining(), everyoneButAlice, "every delete landed before the crash");
  return () => relisting.release();
}

/** The job's deadline, as its record holds it, moved into the past: the next delivery comes after it. */
async function passDeadline(operationId: string): Promise<void> {
  const table = TableClient.fromConnectionString(stack.azurite.connectionString, operationsTableName, {
    allowInsecureConnection: true,
  });
  await table.updateEntity(
    { partitionKey: operationId, rowKey: "operation", deadlineAt: new Date(Date.now() - 1000).toISOString() },
    "Merge",
  );
}

interface ReportBody {
  status: string;
  counts: Counts;
  users: { userPrincipalName: string; status: string; counts: Counts; sessions?: { outcome: string }[] }[];
  sessions: { outcome: string; verified?: boolean; error?: { code: string } }[];
}

/** A full answer that agrees with itself: its counts and each user's count the sessions it lists. */
function assertAgrees(body: ReportBody): void {
  const expected = countsOf(body.sessions);
  assert.deepEqual(pick(body.counts, expected), expected, "the counts count the sessions listed");
  for (const user of body.users) {
    const own = countsOf(user.sessions ?? []);
    assert.deepEqual(pick(user.counts, own), own, `${user.userPrincipalName}'s counts count their sessions`);
  }
}

async function answer(url: string): Promise<{ status: number; body: ReportBody }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as ReportBody };
}

describe("asynchronous sign-out: the local host killed (SIGKILL) at every write point of a chunk's life", () => {
  it("counts the Table writes and ARM deletes of an uninterrupted job", async () => {
    stack.emulator.load(tenantScenario());
    const host = await startHost();
    const before = stack.proxy.writes();
    const accepted = await postAsync(host, { userPrincipalName: "alice@contoso.com" });
    const acceptWrites = stack.proxy.writes() - before;
    await assertExactlySignedOut(accepted.headers.get("location")!);
    const deletes = stack.emulator.calls().filter((call) => call.method === "DELETE").length;
    consumerWrites = stack.proxy.writes() - before - acceptWrites;
    // Accept: the table and the record. Consumer: intents and outcomes for each of 3 pools, the chunk, the summary.
    assert.equal(acceptWrites, 2);
    // One more when a status read sees the chunk ended before the consumer finishes the summary, and finishes it.
    assert.ok(
      consumerWrites === consumerWritesOfAJob || consumerWrites === consumerWritesOfAJob + 1,
      `the crash points below are each of these writes: ${consumerWrites}`,
    );
    assert.equal(deletes, 4);
  });

  for (let nth = 1; nth <= consumerWritesOfAJob; nth++) {
    it(`finishes with exact counts after a crash right after the consumer's Table write ${nth}`, async () => {
      const location = await crashAndRestart(
        async () => {
          await stack.proxy.holdAfterWrite(nth);
          return () => undefined;
        },
        () => stack.proxy.cancelHold(),
      );
      assert.ok(location !== undefined, `the job finished without write ${nth} (${consumerWrites} when counted)`);
      await assertExactlySignedOut(location);
    });
  }

  for (let deletes = 1; deletes <= 3; deletes++) {
    it(`finishes with exact counts after a crash right after ARM delete ${deletes} of 4`, async () => {
      const location = await crashAndRestart(async () => {
        // Armed after the scenario is loaded (loading opens every gate).
        const next = stack.emulator.gate({ method: "DELETE", skip: deletes });
        await next.arrived();
        assert.equal(remaining().length, everyoneButAlice.length + 4 - deletes, "the crash comes between deletes");
        return () => next.release();
      });
      assert.ok(location !== undefined, "the job cannot finish while a delete is held");
      await assertExactlySignedOut(location);
    });
  }
});

describe("a notify-first job: the local host killed after each write of its notice stage", () => {
  // Notice, a one-second grace period as a delayed act message, then the act stage (its writes are
  // those of the runs above). A crash mid-notice may send a notice twice; never a sign-out twice.
  const notifyFirst = { notify: { title: "Leaving", message: "You will be signed out." }, gracePeriodSeconds: 1 };
  // 3 intent batches, 3 outcome batches, the chunk marked notified, the act message marked queued.
  for (let nth = 1; nth <= 8; nth++) {
    it(`finishes with exact counts after a crash right after the notice stage's Table write ${nth}`, async () => {
      const location = await crashAndRestart(
        async () => {
          await stack.proxy.holdAfterWrite(nth);
          return () => undefined;
        },
        () => stack.proxy.cancelHold(),
        notifyFirst,
      );
      assert.ok(location !== undefined, `the job finished without its write ${nth}`);
      await assertExactlySignedOut(location);
    });
  }
});

describe("a chunk killed after its deletes keeps what they did, however it ends", () => {
  const nobody = Array.from({ length: 100 }, (_, i) => `nobody${i}@contoso.com`);

  it("marks each session verified when the next delivery's listing no longer shows it (killed during verification)", async () => {
    const location = await crashAndRestart(duringVerification);
    assert.ok(location !== undefined, "the job cannot finish while its verification listing is held");
    await assertExactlySignedOut(location);
    const done = await answer(location);
    assertAgrees(done.body);
    assert.equal(done.body.counts.verified, 4, JSON.stringify(done.body.sessions));
    assert.equal(done.body.users[0]?.counts.verified, 4);
  });

  it("reports the 4 sign-outs when the message comes back after the job's deadline: 504, in the compact and the full answer", async () => {
    let second: LocalHostProcess | undefined;
    const location = await crashAndRestart(
      duringVerification,
      undefined,
      // More than 100 users: the default answer is the compact one (undefined drops the single-user field).
      { userPrincipalName: undefined, userPrincipalNames: ["alice@contoso.com", ...nobody] },
      { beforeRestart: passDeadline, started: (host) => (second = host) },
    );
    assert.ok(location !== undefined && second !== undefined);
    await second.waitFor("the redelivery past the deadline", (m) => isQueueEvent(m, "completed", jobQueueName));
    const compact = await answer(location);
    assert.equal(compact.status, 504);
    assert.equal(compact.body.status, "deadlineExceeded");
    assert.equal(compact.body.counts.sessionsFound, 4, JSON.stringify(compact.body.counts));
    assert.equal(compact.body.counts.signedOut, 4);
    const alice = compact.body.users.find((user) => user.userPrincipalName === "alice@contoso.com");
    assert.deepEqual(alice?.counts, { sessionsFound: 4, signedOut: 4 });
    assert.equal(alice?.status, "deadlineExceeded", "the chunk did not finish: not every session is known to be found");
    const full = await answer(`${location}&detail=full`);
    assert.equal(full.status, 504);
    assertAgrees(full.body);
    assert.deepEqual(
      full.body.sessions.map((session) => session.outcome),
      ["signedOut", "signedOut", "signedOut", "signedOut"],
    );
    assert.equal(full.body.counts.signedOut, 4);
    assert.deepEqual(remaining(), everyoneButAlice);
  });

  it("reports the 4 sign-outs at the first read past the deadline, while the killed delivery's message is away", async () => {
    const location = await crashAndRestart(
      duringVerification,
      undefined,
      { userPrincipalName: undefined, userPrincipalNames: ["alice@contoso.com", ...nobody] },
      {
        beforeRestart: async (operationId) => {
          await passDeadline(operationId);
          // The message never comes back: only the status read can end the chunk.
          await QueueServiceClient.fromConnectionString(stack.azurite.connectionString)
            .getQueueClient(jobQueueName)
            .clearMessages();
        },
      },
    );
    assert.ok(location !== undefined);
    const compact = await answer(location);
    assert.equal(compact.status, 504);
    assert.equal(compact.body.counts.signedOut, 4, JSON.stringify(compact.body.counts));
    const alice = compact.body.users.find((user) => user.userPrincipalName === "alice@contoso.com");
    assert.deepEqual(alice?.counts, { sessionsFound: 4, signedOut: 4 });
    const full = await answer(`${location}&detail=full`);
    assertAgrees(full.body);
    assert.equal(full.body.counts.signedOut, 4);
  });

  it("reports the 4 sign-outs when every later delivery fails and the message is poisoned: 502 with the reason", async () => {
    let second: LocalHostProcess | undefined;
    let listings: { release(): void } | undefined;
    const location = await crashAndRestart(
      duringVerification,
      undefined,
      {},
      {
        // Every later delivery waits on its first listing past its one-second budget and is thrown back.
        beforeRestart: () => {
          listings = stack.emulator.gate({ operation: "listHostPools" });
          return Promise.resolve();
        },
        // The poison path is tested, not the spacing of retries: host.json's 30 s between deliveries
        // is overridden, as an app setting can (test/integration/transientStorageFaults.test.ts keeps it).
        settings: {
          AVD_JOB_MESSAGE_TIMEOUT_SECONDS: "1",
          AzureFunctionsJobHost__extensions__queues__visibilityTimeout: "00:00:00",
        },
        started: (host) => (second = host),
      },
    );
    assert.ok(location !== undefined && second !== undefined);
    await second.waitFor("the poison message to be handled", (m) => isQueueEvent(m, "completed", poisonQueueName));
    listings?.release();
    const done = await answer(location);
    assert.equal(done.status, 502);
    assert.equal(done.body.status, "failed");
    assertAgrees(done.body);
    assert.equal(done.body.counts.sessionsFound, 4);
    assert.equal(done.body.counts.signedOut, 4, JSON.stringify(done.body.sessions));
    assert.equal(done.body.users[0]?.counts.signedOut, 4);
    assert.equal(done.body.users[0]?.status, "failed");
    const failures = (done.body as unknown as { operation: { failures: { code: string }[] } }).operation.failures;
    assert.equal(failures[0]?.code, "MessageFailedRepeatedly");
    assert.deepEqual(remaining(), everyoneButAlice);
  });
});

describe("asynchronous sign-out while Table storage is unavailable", () => {
  it("rides out a Table outage mid-job: pollers read 202 with Retry-After, the job finishes with exact counts", async () => {
    stack.emulator.load(tenantScenario());
    const host = await startHost();
    const firstDelete = stack.emulator.gate({ method: "DELETE", limit: 1 });
    const accepted = await postAsync(host, { userPrincipalName: "alice@contoso.com" });
    const location = accepted.headers.get("location")!;
    await firstDelete.arrived();
    stack.proxy.setUnavailable(true);
    firstDelete.release();
    const during = await fetch(location);
    assert.equal(during.status, 202, "a poller keeps polling while the record cannot be read");
    assert.ok(Number(during.headers.get("retry-after")) > 0);
    assert.equal(((await during.json()) as { phase: string }).phase, "storageUnavailable");
    // Long enough for the consumer's writes and the SDK's retries to meet the outage.
    await stack.proxy.refusedAtLeast(8);
    stack.proxy.setUnavailable(false);
    await assertExactlySignedOut(location);
  });

  it("answers 503 with Retry-After and queues nothing when the operation cannot be recorded", async () => {
    stack.emulator.load(tenantScenario());
    const host = await startHost();
    const queue = QueueServiceClient.fromConnectionString(stack.azurite.connectionString).getQueueClient(jobQueueName);
    await queue.clearMessages();
    stack.proxy.setUnavailable(true);
    const refused = await postAsync(host, { userPrincipalName: "alice@contoso.com" });
    stack.proxy.setUnavailable(false);
    assert.equal(refused.status, 503);
    assert.ok(Number(refused.headers.get("retry-after")) > 0);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, "StoreUnavailable");
    assert.equal((await queue.peekMessages()).peekedMessageItems.length, 0);
    assert.equal(stack.emulator.calls().length, 0);
  });
});

describe("the status URL", () => {
  it("checks the token against the summary alone: an unknown id and a wrong token cost one point read each and answer the same", async () => {
    stack.emulator.load(tenantScenario());
    const host = await startHost();
    const accepted = await postAsync(host, { userPrincipalName: "alice@contoso.com", dryRun: true });
    const location = new URL(accepted.headers.get("location")!);
    await pollLocation(location.toString());
    const answer = async (url: URL): Promise<{ status: number; code: string; reads: number }> => {
      const before = stack.proxy.requests.length;
      const response = await fetch(url);
      const body = (await response.json()) as { error: { code: string } };
      return { status: response.status, code: body.error.code, reads: stack.proxy.requests.length - before };
    };
    const wrongToken = new URL(location);
    wrongToken.searchParams.set("token", "A".repeat(43));
    const unknownId = new URL(location);
    unknownId.pathname = unknownId.pathname.replace(/[\w-]{22}$/, "AAAAAAAAAAAAAAAAAAAAAA");
    assert.deepEqual(await answer(wrongToken), { status: 404, code: "OperationNotFound", reads: 1 });
    assert.deepEqual(await answer(unknownId), { status: 404, code: "OperationNotFound", reads: 1 });
  });

  it("answers a large operation compactly and lists every session page by page with ?detail=sessions", async () => {
    stack.emulator.load(tenantScenario());
    const host = await startHost();
    const nobody = Array.from({ length: 199 }, (_, i) => `nobody${i}@contoso.com`);
    const users = ["alice@contoso.com", ...nobody, "bob@contoso.com"];
    const accepted = await postAsync(host, { userPrincipalNames: users, dryRun: true });
    const polled = await pollLocation(accepted.headers.get("location")!);
    assert.equal(polled.final.status, 200);
    assert.equal(polled.body.detail, "compact");
    assert.equal(polled.body.sessionPages, 2);
    assert.deepEqual(polled.body.sessions, [], "nothing failed, so the compact answer lists no session");
    const pages: { sessions: { userPrincipalName: string }[]; nextPage?: string; page: number }[] = [];
    let next: string | undefined = `${accepted.headers.get("location")!}&detail=sessions&page=0`;
    while (next !== undefined) {
      const response = await fetch(next);
      assert.equal(response.status, 200);
      const page = (await response.json()) as (typeof pages)[number];
      pages.push(page);
      next = page.nextPage;
    }
    assert.deepEqual(
      pages.map((page) => [page.page, page.sessions.map((s) => s.userPrincipalName.toLowerCase()).sort()]),
      [
        [0, ["alice@contoso.com", "alice@contoso.com", "alice@contoso.com", "alice@contoso.com"]],
        [1, ["bob@contoso.com", "bob@contoso.com"]],
      ],
    );
  });
});
