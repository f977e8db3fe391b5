import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { statusOf } from "../../../../src/lib/engine/report";

describe("the report's one status rule", () => {
  it("puts the deadline before a failure, and a failure before completed", () => {
    assert.equal(statusOf({ deadlineHit: true, failed: true }), "deadlineExceeded");
    assert.equal(statusOf({ deadlineHit: true, failed: false }), "deadlineExceeded");
    assert.equal(statusOf({ deadlineHit: false, failed: true }), "failed");
    assert.equal(statusOf({ deadlineHit: false, failed: false }), "completed");
  });
});
