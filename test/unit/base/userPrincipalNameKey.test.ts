import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { userPrincipalNameKey } from "../../../src/lib/base/userPrincipalName";

// The engine decides whose session is touched by comparing these keys; test/integration/lookAlikeUser
// checks the same through the handler, the SDK and the emulator.
describe("userPrincipalNameKey", () => {
  it("folds ASCII letters, so one user in any case has one key", () => {
    assert.equal(userPrincipalNameKey("Alice@Contoso.COM"), "alice@contoso.com");
    assert.equal(userPrincipalNameKey("O'Brien@Contoso.com"), userPrincipalNameKey("o'brien@contoso.com"));
    assert.equal(userPrincipalNameKey("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), "abcdefghijklmnopqrstuvwxyz");
  });

  it("folds nothing outside A-Z: a Unicode look-alike never gets a real user's key", () => {
    // Each of these lower-cases (toLowerCase, toLocaleLowerCase) to something else.
    const untouched = [
      "\u212Aate@contoso.com", // KELVIN SIGN, lower-cases to "k"
      "\u0130rene@contoso.com", // LATIN CAPITAL LETTER I WITH DOT ABOVE, to "i" + U+0307
      "\u01C5ana@contoso.com", // LATIN CAPITAL LETTER D WITH SMALL LETTER Z WITH CARON, to U+01C6
      "stra\u1E9Ee@contoso.com", // LATIN CAPITAL LETTER SHARP S, to "ß"
      "\u00C5sa@contoso.com", // A WITH RING ABOVE, to U+00E5
      "\u0391lice@contoso.com", // GREEK CAPITAL ALPHA, to U+03B1
    ];
    for (const upn of untouched) assert.equal(userPrincipalNameKey(upn), upn, JSON.stringify(upn));
    assert.notEqual(userPrincipalNameKey("\u212Aate@contoso.com"), userPrincipalNameKey("kate@contoso.com"));
    assert.notEqual(userPrincipalNameKey("stra\u00DFe@contoso.com"), userPrincipalNameKey("strasse@contoso.com"));
    // Beside a look-alike, the ASCII letters of the same UPN are still folded.
    assert.equal(userPrincipalNameKey("\u00C5SA.Berg@Contoso.com"), "\u00C5sa.berg@contoso.com");
  });

  it("keeps every non-letter as it is", () => {
    assert.equal(userPrincipalNameKey("a@b.cd"), "a@b.cd");
    assert.notEqual(userPrincipalNameKey("a@b.cd"), userPrincipalNameKey("a`b.cd"));
    assert.equal(userPrincipalNameKey("[\\]^_@"), "[\\]^_@");
  });
});
