import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { InvocationContext } from "@azure/functions";
import { startAsyncHarness, type AsyncBody, type AsyncHarness } from "./asyncHarness";
import { everyoneButAlice, tenantScenario } from "../integration/tenantScenario";
import { createRuntimeLoader } from "../../src/lib/app/createRuntimeLoader";
import { systemClock } from "../../src/lib/base/clock";
import { createJobConsumerHandler } from "../../src/lib/jobs/jobConsumerHandlers";
import type { OperationStore } from "../../src/lib/jobs/operationStore";
import { createTableOperationStore } from "../../src/lib/jobs/tableOperationStore";
import { runChunk } from "../../src/lib/jobs/runChunk";
import type { ChunkResult } from "../../src/lib/jobs/operationRecord";
import { countsOf, pick } from "../support/sessionCounts";

let harness: AsyncHarness;

before(async () => {
  harness = await startAsyncHarness(tenantScenario());
});
after(() => harness.close());
beforeEach(async () => {
  harness.setClockOffset(0);
  await harness.queue.clearMessages();
  harness.emulator.load(tenantScenario());
});

function remaining(): string[] {
  return harness.emulator
    .sessions()
    .map((s) => `${s.subscriptionId.slice(0, 8)}/${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.userPrincipalName}`)
    .sort();
}

/** Accepts the job and takes its message off the queue: the test delivers it. */
async function accepted(body: Record<string, unknown>): Promise<{ location: string; operationId: string }> {
  const answer = await harness.post(body, { prefer: "respond-async" });
  assert.equal(answer.status, 202);
  await harness.queue.clearMessages();
  return { location: answer.headers.location!, operationId: answer.body.operationId };
}

/** A consumer on an instance of its own (its own engine and scan coordinator), as a second host's. */
function instance(name: string): (message: unknown) => Promise<void> {
  const consumer = createJobConsumerHandler(
    createRuntimeLoader({
      environment: harness.settings,
      armPipelineOptions: {
        tlsOptions: { ca: harness.emulator.caCertificatePem },
        retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 40 },
      },
    }),
  );
  return (message) =>
    consumer(
      message,
      new InvocationContext({ invocationId: name, functionName: "userSignoutJob", logHandler: () => undefined }),
    );
}

describe("two consumers on one chunk at once (a lost lease)", () => {
  it("answer one story: the compact and the full answer count what the sessions say, verified included", async () => {
    const nobody = Array.from({ length: 100 }, (_, i) => `nobody${i}@contoso.com`);
    const { location, operationId } = await accepted({ userPrincipalNames: ["alice@contoso.com", ...nobody] });
    const message = { v: 2, operationId, chunk: 0, stage: "all" };
    // The first consumer deletes alice's 4 sessions and is held in its verification (HP-Alpha listed
    // again: its first listing ended before its deletes); the second runs the chunk from start to end meanwhile.
    const lastDelete = harness.emulator.gate({ method: "DELETE", skip: 3 });
    const first = instance("first")(message);
    await lastDelete.arrived();
    const relisting = harness.emulator.gate({ operation: "listUserSessions", hostPool: "HP-Alpha", limit: 1 });
    lastDelete.release();
    await relisting.arrived();
    await instance("second")(message);
    relisting.release();
    await first;
    assert.deepEqual(remaining(), everyoneButAlice);

    const compact = await harness.get(location);
    assert.equal(compact.status, 200, JSON.stringify(compact.body));
    assert.equal(compact.body.detail, "compact");
    const full = await harness.get(`${location}&detail=full`);
    assert.equal(full.body.detail, "full");
    const expected = { sessionsFound: 4, signedOut: 4, alreadyGone: 0, failed: 0, verified: 4 };
    assert.deepEqual(
      pick(countsOf(full.body.sessions), expected),
      expected,
      "each session signed out once and verified",
    );
    for (const body of [compact.body, full.body] as AsyncBody[]) {
      assert.deepEqual(pick(body.counts, expected), expected, `the ${body.detail} answer's counts`);
      const alice = body.users.find((user) => user.userPrincipalName === "alice@contoso.com") as
        { counts: Record<string, number> } | undefined;
      assert.deepEqual(pick(alice?.counts ?? {}, expected), expected, `alice's counts in the ${body.detail} answer`);
    }
  });
});

describe("a delivery that finds the deadline passed", () => {
  it("leaves a chunk another delivery finished meanwhile as that delivery wrote it", async () => {
    const { location, operationId } = await accepted({ userPrincipalName: "alice@contoso.com" });
    const real = createTableOperationStore(harness.table);
    const finished: ChunkResult = {
      status: "completed",
      strategy: "unfilteredPerHostPool",
      hostPoolsScanned: 4,
      counts: {
        sessionsFound: 0,
        signedOut: 0,
        alreadyGone: 0,
        wouldSignOut: 0,
        failed: 0,
        deadlineExceeded: 0,
        verified: 0,
        stillPresent: 0,
      },
      users: [],
      problemSessions: [],
      problemSessionCount: 0,
      errors: [],
      errorCount: 0,
      warnings: [],
    };
    // Right after this delivery reads the chunk, another one ends it.
    let raced = false;
    const store: OperationStore = {
      ...real,
      async readChunk(id, chunk) {
        const read = await real.readChunk(id, chunk);
        if (!raced && read !== undefined) {
          raced = true;
          assert.ok(await real.writeChunk(id, { ...read.value, state: "done", result: finished }, read.etag));
        }
        return read;
      },
    };
    const late = {
      now: () => Date.now() + 7200 * 1000 + 1000,
      sleep: (ms: number, signal?: AbortSignal) => systemClock.sleep(ms, signal),
    };
    const outcome = await runChunk(
      {
        store,
        sendMessage: () => Promise.reject(new Error("nothing is queued here")),
        signOut: () => Promise.reject(new Error("nothing runs past the deadline")),
        clock: late,
        maxRunMs: 60_000,
        run: "late",
        protectedUsers: [],
      },
      { v: 2, operationId, chunk: 0, stage: "all" },
    );
    assert.equal(outcome.kind, "duplicate");
    const chunk = await real.readChunk(operationId, 0);
    assert.equal(chunk?.value.state, "done");
    assert.deepEqual(chunk?.value.result, finished);
    assert.equal((await harness.get(location)).status, 200);
  });
});
