import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSubscriptionIds } from "../../../src/lib/config/parseSubscriptionIds";

const a = "11111111-1111-1111-1111-111111111111";
const b = "22222222-2222-2222-2222-222222222222";

describe("parseSubscriptionIds", () => {
  it("accepts comma, semicolon and whitespace separated lists", () => {
    assert.deepEqual(parseSubscriptionIds(`${a}, ${b}`), { ok: true, value: [a, b] });
    assert.deepEqual(parseSubscriptionIds(`${a};${b}`), { ok: true, value: [a, b] });
    assert.deepEqual(parseSubscriptionIds(` ${a}\n${b}\t`), { ok: true, value: [a, b] });
  });

  it("accepts a JSON array", () => {
    assert.deepEqual(parseSubscriptionIds(JSON.stringify([a, b])), { ok: true, value: [a, b] });
  });

  it("removes duplicates, also when they differ in case", () => {
    assert.deepEqual(parseSubscriptionIds(`${a},${a.toUpperCase().replace("-", "-")},${b}`), {
      ok: true,
      value: [a, b],
    });
    assert.deepEqual(
      parseSubscriptionIds("AAAAAAAA-0000-0000-0000-000000000000,aaaaaaaa-0000-0000-0000-000000000000"),
      {
        ok: true,
        value: ["aaaaaaaa-0000-0000-0000-000000000000"],
      },
    );
  });

  it("rejects a missing, empty or separator-only value", () => {
    for (const raw of [undefined, "", "   ", ",;", "[]"]) {
      const result = parseSubscriptionIds(raw);
      assert.equal(result.ok, false, `expected ${JSON.stringify(raw)} to be rejected`);
    }
  });

  it("names the values that are not GUIDs", () => {
    const result = parseSubscriptionIds(`${a},not-a-guid`);
    assert.equal(result.ok, false);
    assert.match(result.ok ? "" : result.error, /not-a-guid/);
  });

  it("rejects broken JSON and arrays of non-strings", () => {
    assert.equal(parseSubscriptionIds(`["${a}"`).ok, false);
    assert.equal(parseSubscriptionIds(`[1, 2]`).ok, false);
  });
});
