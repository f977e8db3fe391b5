import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildLeaversTenant } from "../../bench/leaversTenant";
import { startAsyncHarness, type AsyncHarness } from "./asyncHarness";
import { maxAsyncBodyBytes } from "../../src/lib/http/readJsonBody";

const tenant = buildLeaversTenant({
  subscriptions: 2,
  hostPoolsPerSubscription: 10,
  sessionHostsPerPool: 5,
  leavers: 1000,
});
let harness: AsyncHarness;

before(async () => {
  // The instance's ARM delete budget (200 at once, then 10/s per subscription, as ARM refills)
  // would pace 500 deletes per subscription over 30 s; this test is about scans, not pacing.
  harness = await startAsyncHarness(tenant.scenario, { AVD_ARM_DELETE_BURST: "600" });
});
after(() => harness.close());

describe("a mass offboarding in one asynchronous request", () => {
  it("signs out 1,000 leavers (only they) with ARM reads ≤ 10 × (S + H)", async () => {
    const body = JSON.stringify({ userPrincipalNames: tenant.leavers, reason: "Leavers batch" });
    assert.ok(Buffer.byteLength(body) > 20_000);
    const accepted = await harness.post(body, { prefer: "respond-async" });
    assert.equal(accepted.status, 202);
    assert.equal(accepted.body.chunks.total, 5, "200 users per message");
    const peeked = await harness.queue.peekMessages({ numberOfMessages: 32 });
    assert.ok(
      peeked.peekedMessageItems.every((m) => Buffer.byteLength(m.messageText) < 48 * 1024),
      "messages stay well under 64 KiB",
    );

    const handled = await harness.drain();
    assert.equal(handled, 5);
    const done = await harness.get(accepted.headers.location!);
    assert.equal(done.status, 200);
    assert.equal(done.body.status, "completed");
    assert.equal(done.body.detail, "compact", "more than 100 users: each user's status and counts, no session list");
    assert.equal(done.body.users.length, 1000);
    assert.ok(done.body.users.every((user) => user.status === "completed"));
    assert.deepEqual(done.body.sessions, [], "no session failed or is unconfirmed");
    assert.equal(done.body.counts.signedOut, 1000);
    assert.equal(done.body.counts.sessionsFound, 1000);

    const remaining = harness.emulator
      .sessions()
      .map((s) => `${s.subscriptionId}/${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.userPrincipalName}`)
      .sort();
    assert.deepEqual(remaining, tenant.bystanders, "every bystander and look-alike keeps its session");
    const reads = harness.emulator.calls().filter((call) => call.method === "GET").length;
    const bound = 10 * (tenant.subscriptions + tenant.hostPools);
    assert.ok(reads <= bound, `${reads} ARM reads, at most ${bound}`);
  });

  it("takes up to 10,000 users asynchronously and refuses more than 100 synchronously", async () => {
    const many = Array.from({ length: 101 }, (_, i) => `someone-${i}@contoso.com`);
    const sync = await harness.post({ userPrincipalNames: many });
    assert.equal(sync.status, 400);
    assert.match(JSON.stringify(sync.body), /at most 100 users.*respond-async/);
    const tooMany = Array.from({ length: 10_001 }, (_, i) => `someone-${i}@contoso.com`);
    const refused = await harness.post({ userPrincipalNames: tooMany }, { prefer: "respond-async" });
    assert.equal(refused.status, 400);
    const big = JSON.stringify({
      userPrincipalNames: Array.from({ length: 3000 }, (_, i) => `someone-${i}@contoso.com`),
    });
    assert.ok(Buffer.byteLength(big) > 64 * 1024);
    assert.equal((await harness.post(big, { "content-length": String(Buffer.byteLength(big)) })).status, 413);
  });
});

describe("an asynchronous request at the limits, on Azurite", () => {
  it("takes as many of the longest guest UPNs as the body limit allows and reports every one of them", async () => {
    const guest = (i: number): string => {
      const domain = `${"d".repeat(43)}.com`;
      const local = `${String(i).padStart(5, "0")}${"g".repeat(256 - domain.length - 1 - 5 - 5)}#EXT#`;
      return `${local}@${domain}`;
    };
    const users: string[] = [];
    while (
      JSON.stringify({ userPrincipalNames: [...users, guest(users.length)], dryRun: true }).length <
      maxAsyncBodyBytes - 64
    ) {
      users.push(guest(users.length));
    }
    assert.ok(users.every((upn) => upn.length === 256));
    assert.ok(users.length > 8000, `${users.length} users`);
    const accepted = await harness.post({ userPrincipalNames: users, dryRun: true }, { prefer: "respond-async" });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    assert.equal(accepted.body.chunks.total, Math.ceil(users.length / 200));
    await harness.drain();
    const done = await harness.get(accepted.headers.location!);
    assert.equal(done.status, 200);
    assert.equal(done.body.detail, "compact");
    assert.deepEqual(
      done.body.users.map((user) => user.userPrincipalName),
      users,
    );
    const chunk = await harness.table.getEntity<Record<string, unknown>>(accepted.body.operationId, "chunk-0000");
    assert.ok(chunk.users0 instanceof Uint8Array, "users are packed in binary properties, not a 32 K string");
  });
});
