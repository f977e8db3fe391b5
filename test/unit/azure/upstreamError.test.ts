import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toUpstreamError } from "../../../src/lib/azure/upstreamError";

describe("toUpstreamError", () => {
  it("keeps the ARM error code and status of a RestError-like error", () => {
    const error = Object.assign(new Error("The client does not have authorization."), {
      name: "RestError",
      statusCode: 403,
      code: "AuthorizationFailed",
    });
    assert.deepEqual(toUpstreamError(error), {
      code: "AuthorizationFailed",
      statusCode: 403,
      message: "The client does not have authorization.",
    });
  });

  it("reports an aborted call as the deadline", () => {
    const error = Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
    assert.equal(toUpstreamError(error).code, "DeadlineExceeded");
  });

  it("classifies identity failures", () => {
    const error = Object.assign(new Error("no identity"), { name: "CredentialUnavailableError" });
    assert.equal(toUpstreamError(error).code, "AuthenticationFailed");
  });

  it("never repeats a bearer token and keeps messages short and on one line", () => {
    const error = new Error(`failed\nwith Authorization: Bearer eyJ0eXAi.abc-def_ghi ${"x".repeat(1000)}`);
    const { message } = toUpstreamError(error);
    assert.doesNotMatch(message, /eyJ0eXAi/);
    assert.doesNotMatch(message, /\n/);
    assert.ok(message.length <= 300);
  });

  it("copes with things that are not errors", () => {
    assert.deepEqual(toUpstreamError("nope"), {
      code: "RequestFailed",
      statusCode: undefined,
      message: "The call failed.",
    });
    assert.equal(toUpstreamError({ statusCode: 500 }).code, "Http500");
  });
});
