import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import type { Clock } from "../../../src/lib/base/clock";
import { stagesFor } from "../../../src/lib/engine/stagePlan";
import { finishOperation } from "../../../src/lib/jobs/finishOperation";
import type { ChunkRecord, OperationSummary } from "../../../src/lib/jobs/operationRecord";
import { decideOperationStatus } from "../../../src/lib/jobs/operationStatus";
import { decideStep, runChunk, type JobStepDependencies, type StepInput } from "../../../src/lib/jobs/runChunk";
import { processPoisonMessage } from "../../../src/lib/jobs/processPoisonMessage";
import { createMemoryOperationStore, type MemoryOperationStore } from "../../support/memoryOperationStore";

const operationId = "Yq2XoJ0lXo3VxW3m8x2D7g";
const startMs = Date.UTC(2026, 11, 1, 9, 0, 0);
const deadlineAt = startMs + 7_200_000;

function summary(parts: Partial<OperationSummary> = {}): OperationSummary {
  return {
    operationId,
    tokenHash: "0".repeat(64),
    status: "running",
    createdAt: startMs,
    expiresAt: startMs + 7 * 86_400_000,
    deadlineAt,
    chunkCount: 1,
    userCount: 1,
    spec: {
      batch: false,
      mode: "logoff",
      dryRun: false,
      gracePeriodMs: 0,
      subscriptionIds: ["11111111-1111-4111-8111-111111111111"],
      verify: true,
    },
    failures: [],
    ...parts,
  };
}

function chunk(parts: Partial<ChunkRecord> = {}): ChunkRecord {
  return {
    chunk: 0,
    state: "queued",
    users: [{ userPrincipalName: "alice@contoso.com" }],
    actQueued: false,
    attempts: 0,
    ...parts,
  };
}

const session = (id: string) => ({
  subscriptionId: "11111111-1111-4111-8111-111111111111",
  resourceGroup: "rg-avd",
  hostPool: "hp-1",
  sessionHost: "sh-1.contoso.com",
  sessionId: id,
  userPrincipalName: "alice@contoso.com",
  sessionState: "Active",
});

/** What a delivery killed mid-chunk leaves: session 1 signed out and recorded, session 2's delete under way. */
async function killedDelivery(store: MemoryOperationStore): Promise<void> {
  await store.recordIntents(operationId, 0, [session("1"), session("2")], "act");
  await store.recordOutcomes(operationId, 0, [
    { session: session("1"), outcome: "signedOut", upstreamStatus: 200, outcomeRun: "killed" },
  ]);
}

function dependencies(store: MemoryOperationStore, nowMs: number, protectedUsers: string[] = []): JobStepDependencies {
  const clock: Clock = { now: () => nowMs, sleep: () => Promise.reject(new Error("no sleep in these steps")) };
  return {
    store,
    sendMessage: () => Promise.reject(new Error("nothing is queued in these steps")),
    signOut: () => Promise.reject(new Error("the engine must not run")),
    clock,
    maxRunMs: 60_000,
    run: "this-delivery",
    protectedUsers,
  };
}

let store: MemoryOperationStore;
beforeEach(async () => {
  store = createMemoryOperationStore();
  await store.create(summary(), [chunk()]);
});

async function ended(): Promise<{ chunk: ChunkRecord; summary: OperationSummary }> {
  return {
    chunk: (await store.readChunk(operationId, 0))!.value,
    summary: (await store.readSummary(operationId))!.value,
  };
}

describe("the job step ends a chunk from its journal, whichever way it ends", () => {
  it("past the deadline: a recorded sign-out stays, an action under way is deadlineExceeded, and the counts say so", async () => {
    await killedDelivery(store);
    const outcome = await runChunk(dependencies(store, deadlineAt + 1), {
      v: 2,
      operationId,
      chunk: 0,
      stage: "all",
    });
    assert.equal(outcome.kind, "deadlineExceeded");
    const now = await ended();
    assert.equal(now.chunk.state, "deadlineExceeded");
    assert.equal(now.summary.status, "deadlineExceeded");
    const counts = now.chunk.result?.counts;
    assert.deepEqual([counts?.sessionsFound, counts?.signedOut, counts?.deadlineExceeded], [2, 1, 1]);
    assert.deepEqual(now.chunk.result?.users[0]?.counts, counts);
    const journal = await store.readJournal(operationId, 0);
    assert.deepEqual(
      journal.map((entry) => `${entry.session.sessionId} ${entry.outcome} ${entry.error?.code ?? "-"}`).sort(),
      ["1 signedOut -", "2 deadlineExceeded OutcomeUnknown"],
    );
  });

  it("refused for an account protected since: what an earlier delivery did stays, the rest is failed as unknown", async () => {
    await killedDelivery(store);
    const outcome = await runChunk(dependencies(store, startMs + 1000, ["ALICE@contoso.com"]), {
      v: 2,
      operationId,
      chunk: 0,
      stage: "all",
    });
    assert.deepEqual(outcome, { kind: "refused", reason: "protectedAccount" });
    const now = await ended();
    assert.equal(now.chunk.state, "failed");
    assert.equal(now.chunk.failure?.code, "ProtectedAccount");
    assert.deepEqual([now.chunk.result?.counts.signedOut, now.chunk.result?.counts.failed], [1, 1]);
    assert.equal(now.chunk.result?.users[0]?.status, "failed");
    assert.equal(now.summary.status, "failed");
  });

  it("poisoned: what the deliveries did stays, and the chunk fails with the last error", async () => {
    await killedDelivery(store);
    const opened = (await store.readChunk(operationId, 0))!;
    await store.writeChunk(operationId, { ...opened.value, attempts: 4, lastError: "Error: gone" }, opened.etag);
    const outcome = await processPoisonMessage(
      store,
      { v: 2, operationId, chunk: 0, stage: "all" },
      () => startMs + 1000,
      "poison",
    );
    assert.equal(outcome.kind, "markedFailed");
    const now = await ended();
    assert.equal(now.chunk.failure?.code, "MessageFailedRepeatedly");
    assert.match(now.chunk.failure?.message ?? "", /failed 4 times.*Error: gone/);
    assert.deepEqual([now.chunk.result?.counts.signedOut, now.chunk.result?.counts.failed], [1, 1]);
    assert.equal(now.summary.status, "failed");
  });

  it("never writes over a chunk another delivery ended after it was read", async () => {
    const read = (await store.readChunk(operationId, 0))!;
    const other = { ...read.value, state: "done" as const };
    assert.ok(await store.writeChunk(operationId, other, read.etag));
    // The delivery reads the chunk as it was before the other delivery's write; later reads are fresh.
    let reads = 0;
    const raced: MemoryOperationStore = {
      ...store,
      readChunk: async (id, index) => (reads++ === 0 ? read : store.readChunk(id, index)),
    };
    const outcome = await runChunk(dependencies(raced, deadlineAt + 1), {
      v: 2,
      operationId,
      chunk: 0,
      stage: "all",
    });
    assert.equal(outcome.kind, "duplicate");
    assert.equal((await store.readChunk(operationId, 0))?.value.state, "done");
  });
});

describe("the finish rule", () => {
  const at = (state: ChunkRecord["state"], result?: ChunkRecord["result"]): ChunkRecord =>
    chunk({ state, ...(result === undefined ? {} : { result }) });

  it("decides as the synchronous report does: the deadline first, then any failure, else completed", () => {
    assert.equal(decideOperationStatus(summary(), [at("done"), at("done")], startMs), "completed");
    assert.equal(decideOperationStatus(summary(), [at("done"), at("failed")], startMs), "failed");
    assert.equal(decideOperationStatus(summary(), [at("failed"), at("deadlineExceeded")], startMs), "deadlineExceeded");
    assert.equal(decideOperationStatus(summary(), [at("done"), at("queued")], deadlineAt), "deadlineExceeded");
    assert.equal(decideOperationStatus(summary(), [at("done"), at("queued")], deadlineAt - 1), "completed");
    const queueFailed = summary({ failures: [{ code: "QueueUnavailable", message: "x" }] });
    assert.equal(decideOperationStatus(queueFailed, [at("done")], startMs), "failed");
  });

  it("finishes the operation once every chunk has ended, once", async () => {
    assert.equal(await finishOperation(store, operationId, startMs), false);
    assert.equal((await store.readSummary(operationId))?.value.status, "running");
    const read = (await store.readChunk(operationId, 0))!;
    await store.writeChunk(operationId, { ...read.value, state: "done" }, read.etag);
    assert.equal(await finishOperation(store, operationId, startMs + 5), true);
    const writes = store.writes();
    assert.equal(await finishOperation(store, operationId, startMs + 9), true);
    assert.equal(store.writes(), writes, "a second finish writes nothing");
    const finished = (await store.readSummary(operationId))!.value;
    assert.deepEqual([finished.status, finished.completedAt], ["completed", startMs + 5]);
  });
});

describe("the stage plan", () => {
  const plan = { notify: { title: "t", message: "m" }, gracePeriodMs: 60_000, dryRun: false };
  it("notifies first only for a real message with a grace period to wait out", () => {
    assert.deepEqual(stagesFor(plan), ["notify", "act"]);
    assert.deepEqual(stagesFor({ ...plan, gracePeriodMs: 0 }), ["all"]);
    assert.deepEqual(stagesFor({ ...plan, dryRun: true }), ["all"]);
    assert.deepEqual(stagesFor({ gracePeriodMs: 60_000, dryRun: false }), ["all"]);
  });
});

describe("the decision of one delivery", () => {
  const notifyFirst = summary({
    spec: { ...summary().spec, notify: { title: "t", message: "m" }, gracePeriodMs: 60_000 },
  });
  const decide = (parts: Partial<StepInput>): string => {
    const step = decideStep({
      message: { v: 2, operationId, chunk: 0, stage: "all" },
      summary: summary(),
      chunk: chunk(),
      now: startMs,
      protectedUsers: [],
      ...parts,
    });
    return step.kind === "refuse"
      ? `refuse ${step.reason}`
      : step.kind === "end"
        ? `end ${step.ending.kind}`
        : step.kind;
  };
  const act = { v: 2 as const, operationId, chunk: 0, stage: "act" as const };
  const notify = { ...act, stage: "notify" as const };

  it("refuses what the records do not back", () => {
    assert.equal(decide({ summary: undefined }), "refuse unknownOperation");
    assert.equal(decide({ summary: summary({ status: "completed" }) }), "refuse operationFinished");
    assert.equal(decide({ chunk: undefined }), "refuse unknownChunk");
    assert.equal(decide({ message: { ...act, chunk: 1 } }), "refuse unknownChunk");
    assert.equal(decide({ message: act }), "refuse stageNotInPlan");
    assert.equal(decide({ summary: notifyFirst, message: act }), "refuse actBeforeNotice");
    const waiting = chunk({ state: "notified", actAfter: startMs + 120_000 });
    assert.equal(decide({ summary: notifyFirst, message: act, chunk: waiting }), "refuse actBeforeGracePeriod");
  });

  it("ends a chunk past the deadline, or naming an account protected since, without running it", () => {
    assert.equal(decide({ now: deadlineAt }), "end deadlineExceeded");
    assert.equal(decide({ now: deadlineAt - 1 }), "run");
    assert.equal(decide({ protectedUsers: ["Alice@Contoso.com"] }), "end failed");
  });

  it("does nothing again for a chunk that has ended or a notice already followed by its act", () => {
    assert.equal(decide({ chunk: chunk({ state: "done" }) }), "finish");
    const notified = chunk({ state: "notified", actQueued: true });
    assert.equal(decide({ summary: notifyFirst, message: notify, chunk: notified }), "nothing");
    assert.equal(
      decide({ summary: notifyFirst, message: notify, chunk: { ...notified, actQueued: false } }),
      "queueAct",
    );
    const almost = chunk({ state: "notified", actAfter: startMs + 30_000 });
    assert.equal(decide({ summary: notifyFirst, message: act, chunk: almost }), "requeueAct");
    assert.equal(decide({ summary: notifyFirst, message: act, chunk: almost, now: startMs + 30_000 }), "run");
  });
});
