import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findDuplicateKeys } from "../../../src/lib/base/findDuplicateKeys";

describe("findDuplicateKeys", () => {
  it("finds a key repeated at any depth, by its dotted path", () => {
    assert.deepEqual(findDuplicateKeys('{"value":[{"id":"a"}],"value":[]}'), ["value"]);
    assert.deepEqual(findDuplicateKeys('{"value":[{"p":{"u":"a","u":"b"}}]}'), ["value.0.p.u"]);
  });

  it("reads escaped quotes and backslashes inside strings as content, not as the string's end", () => {
    // A value holding an escaped quote followed by text that looks like a key.
    assert.deepEqual(findDuplicateKeys(String.raw`{"a":"x\",\"a\":\"y","b":1}`), []);
    // A value ending in an escaped backslash: the quote after it does end the string.
    assert.deepEqual(findDuplicateKeys(String.raw`{"a":"x\\","a":1}`), ["a"]);
    // Keys with escapes compare by what they mean.
    assert.deepEqual(findDuplicateKeys(String.raw`{"k\"1":1,"k\u00221":2}`), ['k"1']);
    assert.deepEqual(findDuplicateKeys(String.raw`{"k\\":1,"k\\":2,"k":3}`), ["k\\"]);
  });

  it("finds nothing in a page without repeats, however long its strings", () => {
    const id = "/subscriptions/s/resourcegroups/rg/providers/Microsoft.DesktopVirtualization/hostpools/hp";
    const page = JSON.stringify({ value: Array.from({ length: 50 }, (_, i) => ({ id: `${id}/${i}`, name: `n${i}` })) });
    assert.deepEqual(findDuplicateKeys(page), []);
  });
});
