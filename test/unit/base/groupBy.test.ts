import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { groupBy } from "../../../src/lib/base/groupBy";

describe("groupBy", () => {
  it("groups items by their key in the items' order, leaving out those without a key", () => {
    const groups = groupBy(["b1", "a1", "x", "b2", "a2"], (item) => (item === "x" ? undefined : item[0]));
    assert.deepEqual(
      [...groups.entries()],
      [
        ["b", ["b1", "b2"]],
        ["a", ["a1", "a2"]],
      ],
    );
  });
});
