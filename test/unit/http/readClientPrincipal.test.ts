import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpRequest } from "@azure/functions";
import { readClientPrincipal } from "../../../src/lib/http/readClientPrincipal";

const roleUri = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";

function request(principal: unknown): HttpRequest {
  const value = typeof principal === "string" ? principal : Buffer.from(JSON.stringify(principal)).toString("base64");
  return new HttpRequest({
    method: "POST",
    url: "http://localhost/api/avd/user-signout",
    headers: { "x-ms-client-principal": value },
  });
}

describe("readClientPrincipal", () => {
  it("reads name, object id, provider and app roles given as roles or under role_typ", () => {
    const caller = readClientPrincipal(
      request({
        auth_typ: "aad",
        name_typ: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
        role_typ: roleUri,
        claims: [
          { typ: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", val: "flow@contoso.com" },
          { typ: "oid", val: "0f0f0f0f-0000-4000-8000-000000000001" },
          { typ: "roles", val: "A" },
          { typ: roleUri, val: "B" },
          { typ: "groups", val: "C" },
        ],
      }),
      true,
    );
    assert.deepEqual(caller, {
      name: "flow@contoso.com",
      objectId: "0f0f0f0f-0000-4000-8000-000000000001",
      identityProvider: "aad",
      roles: ["A", "B"],
    });
  });

  it("ignores the header entirely when App Service Authentication is off", () => {
    assert.equal(readClientPrincipal(request({ claims: [{ typ: "roles", val: "A" }] }), false), undefined);
  });

  it("treats a malformed header as no caller", () => {
    for (const value of [
      "not base64 json",
      Buffer.from("[]").toString("base64"),
      Buffer.from('{"claims":1}').toString("base64"),
    ]) {
      assert.equal(readClientPrincipal(request(value), true), undefined, value);
    }
  });
});
