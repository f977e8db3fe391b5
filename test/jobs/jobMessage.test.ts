import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeJobMessage, encodeJobMessage, type JobMessage } from "../../src/lib/jobs/jobMessage";
import { chunkUsers, maxChunksPerOperation, maxUsersPerChunk } from "../../src/lib/jobs/chunkUsers";
import { queueLimits, tableLimits } from "../../src/lib/jobs/storageLimits";
import { orderLimits } from "../../src/lib/engine/orderLimits";
import { hashStatusToken, newOperationId, newStatusToken, statusTokenMatches } from "../../src/lib/jobs/operationToken";
import { retryAfterSeconds, statusUrlFor } from "../../src/lib/http/statusUrl";

describe("job messages", () => {
  const message: JobMessage = { v: 2, operationId: newOperationId(), chunk: 49, stage: "notify" };

  it("are base64 JSON pointers: operation, chunk and stage, nothing else, far under 64 KiB", () => {
    const encoded = encodeJobMessage(message);
    assert.match(encoded, /^[A-Za-z0-9+/]+=*$/);
    assert.ok(Buffer.byteLength(encoded) < queueLimits.maxMessageBytes / 100, `${Buffer.byteLength(encoded)} bytes`);
    assert.deepEqual(JSON.parse(Buffer.from(encoded, "base64").toString("utf8")), message);
  });

  it("are read as the host hands them over: a parsed object, JSON text or base64", () => {
    const encoded = encodeJobMessage(message);
    for (const entry of [message, JSON.stringify(message), encoded])
      assert.deepEqual(decodeJobMessage(entry), { ok: true, value: message });
    assert.equal(decodeJobMessage({ hello: "world" }).ok, false);
    assert.equal(decodeJobMessage("not base64 json").ok, false);
  });

  it("refuse anything a pointer does not carry: users, options, an old version, a chunk beyond any operation", () => {
    const refused = [
      { ...message, userPrincipalNames: ["mallory@contoso.com"] },
      { ...message, mode: "logoff" },
      { ...message, v: 1 },
      { ...message, chunk: maxChunksPerOperation },
      { ...message, stage: "everything" },
      { ...message, operationId: "../other" },
    ];
    for (const entry of refused) assert.equal(decodeJobMessage(entry).ok, false, JSON.stringify(entry));
    assert.equal(decodeJobMessage("A".repeat(70_000)).ok, false);
  });

  it("split users into chunks of at most 200, and the most users a request may name into at most 50 chunks", () => {
    const users = Array.from({ length: 1001 }, (_, i) => `u${i}@contoso.com`);
    assert.deepEqual(
      chunkUsers(users).map((chunk) => chunk.length),
      [200, 200, 200, 200, 200, 1],
    );
    assert.equal(maxUsersPerChunk, 200);
    assert.equal(chunkUsers(Array.from({ length: orderLimits.maxAsyncUsers }, (_, i) => `u${i}@c.com`)).length, 50);
    // The summary and every chunk are created in one entity group transaction.
    assert.ok(maxChunksPerOperation + 1 <= tableLimits.maxTransactionEntities);
  });
});

describe("status URLs", () => {
  it("are absolute, on the caller's origin, and carry a 256-bit token whose hash alone is stored", () => {
    const token = newStatusToken();
    assert.equal(Buffer.from(token, "base64url").length, 32);
    assert.equal(Buffer.from(newOperationId(), "base64url").length, 16);
    const url = statusUrlFor(
      "https://app.example.net/api/avd/user-signout?code=secret",
      "abc_DEF-0123456789abcd",
      token,
    );
    assert.equal(url, `https://app.example.net/api/avd/user-signout/operations/abc_DEF-0123456789abcd?token=${token}`);
    assert.ok(!url.includes("secret"), "never the function key");
    const hash = hashStatusToken(token);
    assert.ok(statusTokenMatches(token, hash));
    assert.ok(!statusTokenMatches(newStatusToken(), hash));
    assert.ok(!statusTokenMatches("", hash));
    assert.ok(!statusTokenMatches(null, hash));
  });

  it("ask pollers to come back in 10 s, or just after a grace period ends, at most 10 minutes ahead", () => {
    assert.equal(retryAfterSeconds(undefined, 0), 10);
    assert.equal(retryAfterSeconds(1000, 2000), 10);
    assert.equal(retryAfterSeconds(60_000, 0), 65);
    assert.equal(retryAfterSeconds(3_600_000, 0), 600);
    assert.equal(retryAfterSeconds(1_000, 0), 10);
  });
});
