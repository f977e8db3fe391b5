import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { maxBodyBytes } from "../../../src/lib/http/readJsonBody";
import { requestLimits } from "../../../src/lib/http/signOutRequest";
import { createUserSignoutHandler } from "../../../src/lib/http/userSignoutHandler";
import { createRuntimeLoader } from "../../../src/lib/app/createRuntimeLoader";

// The real runtime; nothing here gets as far as Azure (and a local port that refuses stands in for it).
const handler = createUserSignoutHandler(
  createRuntimeLoader({
    environment: {
      AVD_SUBSCRIPTION_IDS: "11111111-1111-4111-8111-111111111111",
      AZURE_RESOURCE_MANAGER_ENDPOINT: "https://127.0.0.1:9",
    },
  }),
);

// zod measures an over-long string in code points with a one-character probe (/[\uD800-\uDBFF]/):
// a pattern that matches one character cannot backtrack, so it is linear whatever it runs on.
const oneCharacter = /^\[(?:[^\\\]]|\\.)*\]$/;

interface Observed {
  readonly response: HttpResponseInit;
  /** The longest string any regular expression (bar one-character probes) ran on while the request was handled. */
  readonly longestPatternInput: number;
}

/** Handles one request while every regular expression run in this process is measured. */
async function postObserved(body: string): Promise<Observed> {
  const exec = Object.getOwnPropertyDescriptor(RegExp.prototype, "exec")!;
  const run = exec.value as RegExp["exec"];
  let longest = 0;
  // test(), match(), replace() and zod's .regex all go through exec once it is replaced.
  Object.defineProperty(RegExp.prototype, "exec", {
    ...exec,
    value(this: RegExp, input: string) {
      if (run.call(oneCharacter, this.source) === null) longest = Math.max(longest, String(input).length);
      return run.call(this, input);
    },
  });
  try {
    const response = await handler(
      new HttpRequest({ method: "POST", url: "http://localhost/api/avd/user-signout", body: { string: body } }),
      new InvocationContext({ invocationId: "op-hostile", functionName: "userSignout", logHandler: () => {} }),
    );
    return { response, longestPatternInput: longest };
  } finally {
    Object.defineProperty(RegExp.prototype, "exec", exec);
  }
}

function fieldsOf(response: HttpResponseInit): string[] {
  const body = response.jsonBody as { error: { details: Array<{ field: string }> } };
  return body.error.details.map((detail) => detail.field);
}

const upn = "alice@contoso.com";
/** Long enough to fill the body: the worst case for each text pattern, repeated, then a forbidden character. */
const fill = maxBodyBytes - 300;
const worst = (unit: string) => unit.repeat(fill) + "\u0001";
const hostile: Array<[string, Record<string, unknown>]> = [
  ["requestedBy", { userPrincipalName: upn, requestedBy: worst("a") }],
  ["reason", { userPrincipalName: upn, reason: worst(" ") }],
  ["notify.title", { userPrincipalName: upn, notify: { title: worst("a"), message: "m" } }],
  ["notify.message", { userPrincipalName: upn, notify: { title: "t", message: worst("a") } }],
  ["userPrincipalName", { userPrincipalName: `${"a".repeat(fill)}@` }],
  ["userPrincipalNames.0", { userPrincipalNames: [`${"#".repeat(fill)}EXT`] }],
  ["hostPools.0", { userPrincipalName: upn, hostPools: [worst("a")] }],
  ["subscriptionIds.0", { userPrincipalName: upn, subscriptionIds: [worst("0")] }],
];

// Without timing anything: a value over its length limit is turned away before any pattern sees it,
// so the most a body can cost is linear patterns (see linearPatterns.test.ts) over short values.
describe("a 64 KiB hostile body", () => {
  for (const [field, body] of hostile) {
    it(`is answered 400 naming ${field}, and no pattern runs on the over-long value`, async () => {
      const text = JSON.stringify(body);
      assert.ok(text.length <= maxBodyBytes && text.length > maxBodyBytes - 400, `${text.length} bytes`);
      const { response, longestPatternInput } = await postObserved(text);
      assert.equal(response.status, 400);
      assert.deepEqual(fieldsOf(response), [field]);
      assert.ok(longestPatternInput <= 1024, `a pattern ran on ${longestPatternInput} characters`);
    });
  }

  it("at the length limits, runs the patterns on values no longer than the limits (the measure sees them)", async () => {
    const atLimit = {
      userPrincipalName: upn,
      notify: { title: "t", message: "a".repeat(requestLimits.maxNotifyMessageLength - 1) + "\u0001" },
    };
    const { response, longestPatternInput } = await postObserved(JSON.stringify(atLimit));
    assert.deepEqual(fieldsOf(response), ["notify.message"]);
    assert.equal(longestPatternInput, requestLimits.maxNotifyMessageLength);
  });
});
