import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { odataStringLiteral, userPrincipalNameFilter } from "../../../src/lib/azure/odataFilter";

describe("userPrincipalNameFilter", () => {
  it("doubles every single quote so the value stays one literal", () => {
    assert.equal(userPrincipalNameFilter("o'brien@contoso.com"), "userPrincipalName eq 'o''brien@contoso.com'");
    assert.equal(
      userPrincipalNameFilter("x' or userPrincipalName ne 'x"),
      "userPrincipalName eq 'x'' or userPrincipalName ne ''x'",
    );
    assert.equal(odataStringLiteral("''"), "''''''");
  });

  it("leaves other characters alone", () => {
    assert.equal(odataStringLiteral("a#EXT#@b.com"), "'a#EXT#@b.com'");
  });
});
