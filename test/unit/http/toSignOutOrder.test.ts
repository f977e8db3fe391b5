import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { signOutRequestSchema } from "../../../src/lib/http/signOutRequest";
import { toSignOutOrder } from "../../../src/lib/http/toSignOutOrder";

const context = (asynchronous: boolean) => ({
  operationId: "op-1",
  configuredSubscriptionIds: ["11111111-1111-1111-1111-111111111111"],
  caller: undefined,
  asynchronous,
});

function orderFor(body: Record<string, unknown>, asynchronous: boolean) {
  const parsed = signOutRequestSchema.safeParse({ userPrincipalName: "alice@contoso.com", ...body });
  assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
  return toSignOutOrder(parsed.data, context(asynchronous));
}

describe("toSignOutOrder: verify", () => {
  it("verifies an asynchronous request unless it says otherwise", () => {
    assert.equal(orderFor({}, true).verify, true);
    assert.equal(orderFor({ verify: false }, true).verify, false);
  });

  it("verifies a synchronous request only when asked: it costs the caller a round trip", () => {
    assert.equal(orderFor({}, false).verify, false);
    assert.equal(orderFor({ verify: true }, false).verify, true);
  });

  it("takes verify as a boolean only", () => {
    const parsed = signOutRequestSchema.safeParse({ userPrincipalName: "alice@contoso.com", verify: "yes" });
    assert.equal(parsed.success, false);
    assert.deepEqual(
      parsed.error?.issues.map((issue) => issue.path.join(".")),
      ["verify"],
    );
  });
});
