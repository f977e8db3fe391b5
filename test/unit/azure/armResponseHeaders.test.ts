import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ArmResponseHeaders } from "../../../src/lib/azure/armResponseHeaders";

describe("an answer's headers", () => {
  const raw = () => ({ "retry-after": "7", "set-cookie": ["a=1", "b=2"], "x-ms-request-id": "r-1" });

  it("reads a header in any case, a repeated one as its first value, a missing one as absent", () => {
    const headers = new ArmResponseHeaders(raw());
    assert.equal(headers.get("Retry-After"), "7");
    assert.equal(headers.get("set-cookie"), "a=1");
    assert.equal(headers.get("WWW-Authenticate"), undefined);
    assert.equal(headers.has("X-MS-Request-Id"), true);
    assert.equal(headers.has("content-type"), false);
  });

  it("writes to a copy, never to the answer's own headers", () => {
    const original = raw();
    const headers = new ArmResponseHeaders(original);
    headers.set("Retry-After", 9);
    headers.delete("x-ms-request-id");
    assert.equal(headers.get("retry-after"), "9");
    assert.equal(headers.has("x-ms-request-id"), false);
    assert.deepEqual(original, raw());
  });

  it("lists every header once, as the SDK's collection would", () => {
    const headers = new ArmResponseHeaders(raw());
    assert.deepEqual(headers.toJSON(), { "retry-after": "7", "set-cookie": "a=1", "x-ms-request-id": "r-1" });
    assert.deepEqual(
      [...headers].map(([name]) => name),
      ["retry-after", "set-cookie", "x-ms-request-id"],
    );
  });
});
