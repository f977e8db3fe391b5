import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSessionFilter } from "../../emulator/parseSessionFilter";
import { resolveScenario } from "../../emulator/resolveScenario";
import { TokenBucket } from "../../emulator/tokenBucket";

const session = (userPrincipalName: string, sessionState = "Active") => ({ userPrincipalName, sessionState });

describe("parseSessionFilter", () => {
  it("binds 'and' tighter than 'or'", () => {
    const result = parseSessionFilter(
      "userPrincipalName eq 'a' or userPrincipalName eq 'b' and sessionState eq 'Active'",
      true,
    );
    assert.ok(result.ok);
    assert.equal(result.matches(session("a", "Disconnected")), true);
    assert.equal(result.matches(session("b", "Disconnected")), false);
    assert.equal(result.matches(session("b", "Active")), true);
  });

  it("accepts keywords and property names in any case", () => {
    const result = parseSessionFilter("USERPRINCIPALNAME EQ 'a' AND SessionState Ne 'LogOff'", true);
    assert.ok(result.ok);
    assert.equal(result.matches(session("a")), true);
  });

  it("names the position of a syntax error", () => {
    const result = parseSessionFilter("userPrincipalName eq 'a' 'b'", true);
    assert.equal(result.ok, false);
    assert.match(result.ok ? "" : result.message, /position 25/);
  });
});

describe("TokenBucket", () => {
  it("refills continuously and asks for whole seconds, rounded up", () => {
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 0.4 }, 0);
    assert.deepEqual(bucket.take(0), { ok: true, remaining: 1 });
    assert.deepEqual(bucket.take(0), { ok: true, remaining: 0 });
    assert.deepEqual(bucket.take(0), { ok: false, retryAfterSeconds: 3 });
    assert.deepEqual(bucket.take(2500), { ok: true, remaining: 0 });
  });
});

describe("resolveScenario", () => {
  it("accepts bare session host names up to 48 characters and rejects longer ones, paths and duplicated sessions", () => {
    const id = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    const withHost = (name: string) => ({
      subscriptions: [{ id, hostPools: [{ name: "hp", resourceGroup: "rg", sessionHosts: [{ name }] }] }],
    });
    assert.equal(
      resolveScenario(withHost("userSess-sh-0")).subscriptions[0]?.hostPools[0]?.sessionHosts[0]?.name,
      "userSess-sh-0",
    );
    resolveScenario(withHost("x".repeat(48)));
    assert.throws(() => resolveScenario(withHost("x".repeat(49))), /sessionHosts\.0\.name/);
    assert.throws(() => resolveScenario(withHost("a/b")), /one path segment/);
    const duplicate = { id: "1", userPrincipalName: "a@contoso.com", sessionState: "Active" };
    assert.throws(
      () =>
        resolveScenario({
          subscriptions: [
            {
              id,
              hostPools: [
                {
                  name: "hp",
                  resourceGroup: "rg",
                  sessionHosts: [{ name: "h.contoso.com", sessions: [duplicate, duplicate] }],
                },
              ],
            },
          ],
        }),
      /duplicated session/,
    );
  });

  it("defaults to 204 deletes, 204 for a missing session and pages of 200 sessions and 100 host pools", () => {
    const resolved = resolveScenario({ subscriptions: [] });
    assert.deepEqual(
      {
        deleteStatus: resolved.deleteStatus,
        missingSessionDeleteStatus: resolved.missingSessionDeleteStatus,
        sessionPageSize: resolved.sessionPageSize,
        hostPoolPageSize: resolved.hostPoolPageSize,
      },
      { deleteStatus: 204, missingSessionDeleteStatus: 204, sessionPageSize: 200, hostPoolPageSize: 100 },
    );
  });

  it("rejects page faults that do not answer 200 and error faults that answer below 400", () => {
    const withFault = (fault: object) => ({ faults: [fault], subscriptions: [] });
    resolveScenario(withFault({ status: 200, body: "nullValue" }));
    resolveScenario(withFault({ status: 404, body: "html", match: { path: "/x" } }));
    assert.throws(() => resolveScenario(withFault({ status: 500, body: "emptyObject" })), /faults\.0\.status/);
    assert.throws(() => resolveScenario(withFault({ status: 200 })), /faults\.0\.status/);
  });
});
