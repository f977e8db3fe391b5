import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchRequestedUser, strongestMatch } from "../../../src/lib/engine/requestedUser";

const alice = "a11ce000-0000-4000-8000-00000000000a";
const other = "a11ce000-0000-4000-8000-00000000000b";
const zero = "00000000-0000-0000-0000-000000000000";
const upn = "alice@contoso.com";

describe("matchRequestedUser: whose session a request may touch", () => {
  it("matches the object id in any case, whatever UPN the session carries (a rename)", () => {
    assert.equal(
      matchRequestedUser({ objectId: alice.toUpperCase() }, { userPrincipalName: "old@contoso.com", objectId: alice }),
      "objectId",
    );
  });

  it("matches the UPN when the session's object id is absent, all zeros or the requested one", () => {
    for (const objectId of [undefined, zero, alice]) {
      const match = matchRequestedUser(
        { userPrincipalName: upn, objectId: alice },
        { userPrincipalName: "ALICE@contoso.com", objectId },
      );
      assert.equal(match, objectId === alice ? "objectId" : "userPrincipalName", String(objectId));
    }
  });

  it("calls another account's session under the requested UPN otherAccount when the request names the account", () => {
    assert.equal(
      matchRequestedUser({ userPrincipalName: upn, objectId: alice }, { userPrincipalName: upn, objectId: other }),
      "otherAccount",
    );
  });

  it("matches on the UPN alone, as before, when the request gives no object id", () => {
    assert.equal(
      matchRequestedUser({ userPrincipalName: upn }, { userPrincipalName: upn, objectId: other }),
      "userPrincipalName",
    );
  });

  it("never matches through the all-zero id or a value that is not a GUID", () => {
    assert.equal(matchRequestedUser({ objectId: zero }, { userPrincipalName: upn, objectId: zero }), undefined);
    assert.equal(matchRequestedUser({ objectId: alice }, { userPrincipalName: upn, objectId: ` ${alice}` }), undefined);
  });

  it("lets a real match by any requested user win over otherAccount from another", () => {
    const users = [{ userPrincipalName: upn, objectId: alice }, { objectId: other }];
    assert.equal(strongestMatch(users, { userPrincipalName: upn, objectId: other }), "objectId");
  });
});
