import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toFieldErrors, type FieldError } from "../../../src/lib/http/fieldErrors";
import { signOutRequestSchema } from "../../../src/lib/http/signOutRequest";

function errorsFor(body: unknown): FieldError[] {
  const result = signOutRequestSchema.safeParse(body);
  assert.equal(result.success, false, `expected ${JSON.stringify(body)} to be rejected`);
  return result.success ? [] : toFieldErrors(result.error);
}

describe("signOutRequestSchema", () => {
  it("accepts the characters Entra ID allows in a UPN, trimmed, with dryRun defaulting to false", () => {
    for (const upn of [
      "alice@contoso.com",
      "o'brien@contoso.com",
      "a.b-c_d!e#f^g~h@sub.contoso.co.uk",
      "alice_fabrikam.com#EXT#@contoso.onmicrosoft.com",
    ]) {
      const result = signOutRequestSchema.safeParse({ userPrincipalName: `  ${upn}\n` });
      assert.ok(result.success, `expected ${upn} to be accepted`);
      assert.deepEqual(result.data, { userPrincipalName: upn, dryRun: false });
    }
    const dry = signOutRequestSchema.safeParse({ userPrincipalName: "alice@contoso.com", dryRun: true });
    assert.ok(dry.success);
    assert.equal(dry.data.dryRun, true);
  });

  it("names a missing userPrincipalName", () => {
    assert.deepEqual(errorsFor({}), [
      {
        field: "userPrincipalName",
        code: "invalid_type",
        message: "is required (or userObjectId, userPrincipalNames or users)",
      },
    ]);
  });

  it("names a misspelt field instead of only reporting the missing one", () => {
    const errors = errorsFor({ userPrincipleName: "alice@contoso.com" });
    assert.deepEqual(
      errors.map((error) => [error.field, error.code]),
      [
        ["userPrincipalName", "invalid_type"],
        ["userPrincipleName", "unknown_field"],
      ],
    );
  });

  it("rejects bodies that are not JSON objects", () => {
    for (const body of [[], "alice@contoso.com", 42, null, true]) {
      const errors = errorsFor(body);
      assert.equal(errors[0]?.field, "");
      assert.match(errors[0]?.message ?? "", /JSON object/);
    }
  });

  it("rejects malformed UPNs with a reason", () => {
    const cases: Array<[unknown, RegExp]> = [
      ["", /empty/],
      ["alice", /exactly one '@'/],
      ["alice@@contoso.com", /exactly one '@'/],
      ["@contoso.com", /nothing before/],
      ["alice@", /no domain/],
      ["alice@localhost", /domain name/],
      ["al ice@contoso.com", /character/],
      ["x' or userPrincipalName ne 'x", /exactly one '@'/],
      ["x' or userPrincipalName ne 'x@contoso.com", /character/],
      ["alice.@contoso.com", /'\.' immediately before/],
      [`${"a".repeat(65)}@contoso.com`, /64 characters/],
      [`alice@${"d".repeat(45)}.com`, /48 characters/],
      [`${"a".repeat(2000)}@contoso.com`, /too long/],
      [42, /string/],
      // Only ASCII is allowed: look-alikes, bidirectional controls and line separators are refused.
      ["\u212Aate@contoso.com", /character/],
      ["ali\u200Ece@contoso.com", /character/],
      ["alice\u2028x@contoso.com", /character/],
      ["alice@con\u202Etoso.com", /domain name/],
      ["alice@contoso.c\u00F6m", /domain name/],
    ];
    for (const [upn, reason] of cases) {
      const errors = errorsFor({ userPrincipalName: upn });
      assert.equal(errors.length, 1, JSON.stringify(upn));
      assert.equal(errors[0]?.field, "userPrincipalName");
      assert.match(errors[0]?.message ?? "", reason, JSON.stringify(upn));
    }
  });

  it("rejects a dryRun that is not a boolean", () => {
    const errors = errorsFor({ userPrincipalName: "alice@contoso.com", dryRun: "yes" });
    assert.deepEqual(
      errors.map((error) => error.field),
      ["dryRun"],
    );
  });
});
