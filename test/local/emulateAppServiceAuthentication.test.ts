import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpRequest } from "@azure/functions";
import {
  applyAppServiceAuthentication,
  parseEmulatedAuthentication,
  type EmulatedAuthentication,
} from "../../local/emulateAppServiceAuthentication";
import { readClientPrincipal } from "../../src/lib/http/readClientPrincipal";

const principals: EmulatedAuthentication = parseEmulatedAuthentication(
  JSON.stringify({
    "operator-token": {
      name: "ops@contoso.com",
      objectId: "7d2f1c9e-0b6a-4f3e-9c1d-5a8b7e6f4d21",
      roles: ["AvdSignout.Operator"],
    },
    "reader-token": { name: "reader@contoso.com" },
  }),
)!;

const forged = Buffer.from(
  JSON.stringify({ auth_typ: "aad", claims: [{ typ: "roles", val: "AvdSignout.Operator" }] }),
).toString("base64");

/** The caller the app reads from what the emulated platform handed it. */
function callerSeenByTheApp(headers: Record<string, string>) {
  const request = new HttpRequest({ method: "POST", url: "http://localhost/api/avd/user-signout", headers });
  return readClientPrincipal(request, true);
}

describe("emulated App Service Authentication (AllowAnonymous) of the local host", () => {
  it("hands the app the caller of a test bearer token, roles included, as the platform's four headers", () => {
    const outcome = applyAppServiceAuthentication({ authorization: "Bearer operator-token" }, principals);
    assert.equal(outcome.kind, "pass");
    assert.equal(outcome.headers["x-ms-client-principal-idp"], "aad");
    assert.equal(outcome.headers["x-ms-client-principal-name"], "ops@contoso.com");
    assert.equal(outcome.headers["x-ms-client-principal-id"], "7d2f1c9e-0b6a-4f3e-9c1d-5a8b7e6f4d21");
    assert.deepEqual(callerSeenByTheApp(outcome.headers), {
      name: "ops@contoso.com",
      objectId: "7d2f1c9e-0b6a-4f3e-9c1d-5a8b7e6f4d21",
      identityProvider: "aad",
      roles: ["AvdSignout.Operator"],
    });
  });

  it("strips principal headers a client forged, with or without a token", () => {
    const forgedHeaders = {
      "x-ms-client-principal": forged,
      "x-ms-client-principal-id": "1",
      "x-ms-client-principal-name": "mallory",
      "x-ms-client-principal-idp": "aad",
    };
    const anonymous = applyAppServiceAuthentication(forgedHeaders, principals);
    assert.equal(anonymous.kind, "pass");
    assert.deepEqual(Object.keys(anonymous.headers), []);
    assert.equal(callerSeenByTheApp(anonymous.headers), undefined);

    const withToken = applyAppServiceAuthentication(
      { ...forgedHeaders, authorization: "Bearer reader-token" },
      principals,
    );
    assert.equal(withToken.kind, "pass");
    assert.equal(withToken.headers["x-ms-client-principal-name"], "reader@contoso.com");
    assert.deepEqual(callerSeenByTheApp(withToken.headers)?.roles, []);
  });

  it("passes a request without a bearer token on unauthenticated, its other headers untouched", () => {
    const outcome = applyAppServiceAuthentication(
      { "x-functions-key": "k", "content-type": "application/json" },
      principals,
    );
    assert.deepEqual(outcome, {
      kind: "pass",
      headers: { "x-functions-key": "k", "content-type": "application/json" },
    });
  });

  it("answers 401 to a bearer token it cannot validate", () => {
    const outcome = applyAppServiceAuthentication({ authorization: "Bearer not-a-test-token" }, principals);
    assert.equal(outcome.kind, "reject");
    assert.equal(outcome.statusCode, 401);
    assert.match(outcome.headers["www-authenticate"] ?? "", /invalid_token/);
  });

  it("is off unless LOCAL_HOST_AUTH_PRINCIPALS is set, and refuses a malformed one", () => {
    assert.equal(parseEmulatedAuthentication(undefined), undefined);
    assert.equal(parseEmulatedAuthentication(" "), undefined);
    assert.throws(() => parseEmulatedAuthentication("{"), /LOCAL_HOST_AUTH_PRINCIPALS must be JSON/);
    assert.throws(() => parseEmulatedAuthentication('{"t":{"roles":["x"]}}'), /LOCAL_HOST_AUTH_PRINCIPALS/);
    assert.equal(principals.get("reader-token")?.objectId.length, 36, "an object id is made up when none is given");
  });
});
