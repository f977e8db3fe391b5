import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { naturalCompare } from "../../../src/lib/base/naturalCompare";

const sorted = (items: readonly string[]): string[] => [...items].sort(naturalCompare);

describe("naturalCompare", () => {
  it("orders runs of digits by their value, wherever they stand", () => {
    assert.deepEqual(sorted(["host-10", "host-9", "host-1", "host-100"]), ["host-1", "host-9", "host-10", "host-100"]);
    assert.deepEqual(sorted(["a/10/x", "a/2/y", "a/2/x"]), ["a/2/x", "a/2/y", "a/10/x"]);
    assert.deepEqual(sorted(["s1h12", "s1h3", "s01h3"]), ["s1h3", "s01h3", "s1h12"]);
  });

  it("orders digit runs longer than a safe integer by value", () => {
    assert.ok(naturalCompare("id-90071992547409930", "id-90071992547409931") < 0);
    assert.ok(naturalCompare("id-100000000000000000000", "id-99999999999999999999") > 0);
  });

  it("orders everything else by code unit, and a prefix first", () => {
    assert.deepEqual(sorted(["hp-b", "hp-a", "hp", "hp-a-1"]), ["hp", "hp-a", "hp-a-1", "hp-b"]);
    assert.ok(naturalCompare("a", "b") < 0);
    assert.ok(naturalCompare("\u00e5", "z") > 0);
  });

  it("is a total order: equal only when the strings are", () => {
    assert.equal(naturalCompare("rg/hp/7", "rg/hp/7"), 0);
    assert.notEqual(naturalCompare("007", "7"), 0);
    assert.equal(Math.sign(naturalCompare("007", "7")), -Math.sign(naturalCompare("7", "007")));
  });
});
