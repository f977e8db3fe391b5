import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import type { ChunkRecord, OperationSummary } from "../../../src/lib/jobs/operationRecord";
import { hashStatusToken } from "../../../src/lib/jobs/operationToken";
import { readOperation, type OperationQuery } from "../../../src/lib/jobs/readOperation";
import { createMemoryOperationStore, type MemoryOperationStore } from "../../support/memoryOperationStore";

const operationId = "Yq2XoJ0lXo3VxW3m8x2D7g";
const token = "t".repeat(43);
const startMs = Date.UTC(2026, 11, 1, 9, 0, 0);

const summary: OperationSummary = {
  operationId,
  tokenHash: hashStatusToken(token),
  status: "running",
  createdAt: startMs,
  expiresAt: startMs + 7 * 86_400_000,
  deadlineAt: startMs + 7_200_000,
  chunkCount: 2,
  userCount: 2,
  spec: { batch: true, mode: "logoff", dryRun: false, gracePeriodMs: 0, subscriptionIds: ["s"], verify: true },
  failures: [],
};

const chunk = (index: number): ChunkRecord => ({
  chunk: index,
  state: "queued",
  users: [{ userPrincipalName: `user${index}@contoso.com` }],
  actQueued: false,
  attempts: 0,
});

const query = (parts: Partial<OperationQuery> = {}): OperationQuery => ({
  operationId,
  token,
  detail: "default",
  page: 0,
  run: "status",
  ...parts,
});

let store: MemoryOperationStore;
beforeEach(async () => {
  store = createMemoryOperationStore();
  await store.create(summary, [chunk(0), chunk(1)]);
});

async function end(index: number): Promise<void> {
  const read = (await store.readChunk(operationId, index))!;
  assert.ok(await store.writeChunk(operationId, { ...read.value, state: "done" }, read.etag));
}

describe("reading an operation for its status URL", () => {
  it("answers not found alike for an unknown id, a wrong token and an expired record (which it deletes)", async () => {
    assert.deepEqual(await readOperation(store, query({ operationId: "A".repeat(22) }), () => startMs), {
      kind: "notFound",
    });
    assert.deepEqual(await readOperation(store, query({ token: "u".repeat(43) }), () => startMs), {
      kind: "notFound",
    });
    assert.deepEqual(await readOperation(store, query(), () => summary.expiresAt), { kind: "notFound" });
    assert.equal(await store.readSummary(operationId), undefined, "the expired record is gone");
  });

  it("answers unavailable, never finished, when the store cannot be read", async () => {
    const failing: MemoryOperationStore = { ...store, readChunks: () => Promise.reject(new Error("503")) };
    const read = await readOperation(failing, query(), () => startMs);
    assert.equal(read.kind, "unavailable");
  });

  it("answers running while a chunk is open before the deadline, and finished once every chunk has ended", async () => {
    await end(0);
    const running = await readOperation(store, query(), () => startMs + 1000);
    assert.equal(running.kind, "running");
    assert.equal(running.kind === "running" ? running.progress.chunks.done : -1, 1);
    await end(1);
    const finished = await readOperation(store, query(), () => startMs + 2000);
    assert.equal(finished.kind, "finished");
    assert.equal(finished.kind === "finished" ? finished.report.status : "", "completed");
    assert.equal((await store.readSummary(operationId))?.value.status, "completed", "the read finished it");
  });

  it("past the deadline, ends the open chunks itself and answers finished: deadlineExceeded", async () => {
    await end(0);
    const read = await readOperation(store, query(), () => summary.deadlineAt);
    assert.equal(read.kind, "finished");
    assert.equal(read.kind === "finished" ? read.report.status : "", "deadlineExceeded");
    assert.equal((await store.readChunk(operationId, 1))?.value.state, "deadlineExceeded");
  });

  it("gives one chunk's sessions per page, and not found past the last page", async () => {
    const page = await readOperation(store, query({ detail: "sessions", page: 1 }), () => startMs);
    assert.deepEqual(page.kind === "page" ? [page.page, page.pages, page.status] : page, [1, 2, "running"]);
    assert.deepEqual(await readOperation(store, query({ detail: "sessions", page: 2 }), () => startMs), {
      kind: "notFound",
    });
  });
});
