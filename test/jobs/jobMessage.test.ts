import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  chunkUsers,
  decodeJobMessage,
  encodeJobMessage,
  maxUsersPerMessage,
  type JobMessage,
} from "../../src/lib/jobs/jobMessage";
import { hashStatusToken, newOperationId, newStatusToken, statusTokenMatches } from "../../src/lib/jobs/operationToken";
import { retryAfterSeconds, statusUrlFor } from "../../src/lib/http/statusUrl";

describe("job messages", () => {
  const longest = (i: number) => `${"a".repeat(60)}${String(i).padStart(4, "0")}@${"b".repeat(44)}.com`;
  const message: JobMessage = {
    v: 1,
    operationId: newOperationId(),
    chunk: 49,
    stage: "notify",
    userPrincipalNames: Array.from({ length: maxUsersPerMessage }, (_, i) => longest(i)),
  };

  it("are base64 JSON, the host's default encoding, and stay under 64 KiB with 200 of the longest UPNs", () => {
    const encoded = encodeJobMessage(message);
    assert.match(encoded, /^[A-Za-z0-9+/]+=*$/);
    assert.ok(Buffer.byteLength(encoded) < 48 * 1024, `${Buffer.byteLength(encoded)} bytes`);
    assert.deepEqual(JSON.parse(Buffer.from(encoded, "base64").toString("utf8")), message);
  });

  it("are read as the host hands them over: a parsed object, JSON text or base64", () => {
    const encoded = encodeJobMessage(message);
    for (const entry of [message, JSON.stringify(message), encoded])
      assert.deepEqual(decodeJobMessage(entry), { ok: true, value: message });
    assert.equal(decodeJobMessage({ hello: "world" }).ok, false);
    assert.equal(decodeJobMessage("not base64 json").ok, false);
  });

  it("split users into chunks of at most 200", () => {
    const users = Array.from({ length: 1001 }, (_, i) => `u${i}@contoso.com`);
    assert.deepEqual(
      chunkUsers(users).map((chunk) => chunk.length),
      [200, 200, 200, 200, 200, 1],
    );
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
