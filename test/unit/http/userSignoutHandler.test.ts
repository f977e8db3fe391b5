import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { createUserSignoutHandler } from "../../../src/lib/http/userSignoutHandler";
import { createRuntimeLoader } from "../../../src/lib/app/createRuntimeLoader";
import { maxBodyBytes } from "../../../src/lib/http/readJsonBody";

const url = "http://localhost:7071/api/avd/user-signout";

interface Harness {
  readonly call: (body: string | undefined, headers?: Record<string, string>) => Promise<HttpResponseInit>;
  readonly clientRequests: () => number;
  readonly logs: string[];
}

function harness(environment: Record<string, string>): Harness {
  let clientRequests = 0;
  const logs: string[] = [];
  const handler = createUserSignoutHandler(() => {
    const runtime = createRuntimeLoader({ environment })();
    if (!runtime.ok) return runtime;
    return {
      ok: true,
      value: {
        ...runtime.value,
        signOut: () => {
          clientRequests++;
          return Promise.reject(new Error("no Azure call may be made for this request"));
        },
      },
    };
  });
  return {
    logs,
    clientRequests: () => clientRequests,
    call: (body, headers = {}) =>
      handler(
        new HttpRequest({ method: "POST", url, headers, ...(body === undefined ? {} : { body: { string: body } }) }),
        new InvocationContext({
          invocationId: "op-123",
          functionName: "userSignout",
          logHandler: (level, ...args) => logs.push(`${level} ${args.map(String).join(" ")}`),
        }),
      ),
  };
}

const goodEnvironment = { AVD_SUBSCRIPTION_IDS: "11111111-1111-1111-1111-111111111111" };

interface ErrorResponseBody {
  error: {
    code: string;
    message: string;
    operationId: string;
    setting?: string;
    details?: Array<{ field: string; code: string }>;
  };
}

function errorBody(response: HttpResponseInit): ErrorResponseBody["error"] {
  return (response.jsonBody as ErrorResponseBody).error;
}

describe("userSignout handler input checks", () => {
  const rejected: Array<[string, string | undefined, number, string, string[]]> = [
    ["an empty body", undefined, 400, "EmptyBody", [""]],
    ["a blank body", "  \n", 400, "EmptyBody", [""]],
    ["a body that is not JSON", "userPrincipalName=alice@contoso.com", 400, "InvalidJson", [""]],
    ["a JSON array", '["alice@contoso.com"]', 400, "ValidationError", [""]],
    ["a JSON string", '"alice@contoso.com"', 400, "ValidationError", [""]],
    ["a missing UPN", "{}", 400, "ValidationError", ["userPrincipalName"]],
    [
      "a misspelt field",
      '{"userPrincipleName":"alice@contoso.com"}',
      400,
      "ValidationError",
      ["userPrincipalName", "userPrincipleName"],
    ],
    ["a malformed UPN", '{"userPrincipalName":"alice"}', 400, "ValidationError", ["userPrincipalName"]],
    [
      "an OData injection",
      `{"userPrincipalName":"x' or userPrincipalName ne 'x"}`,
      400,
      "ValidationError",
      ["userPrincipalName"],
    ],
    [
      "a non-boolean dryRun",
      '{"userPrincipalName":"alice@contoso.com","dryRun":1}',
      400,
      "ValidationError",
      ["dryRun"],
    ],
    [
      "a key given twice",
      '{"userPrincipalName":"alice@contoso.com","dryRun":true,"dryRun":false}',
      400,
      "DuplicateKey",
      ["dryRun"],
    ],
    [
      "a nested key given twice, once escaped",
      '{"userPrincipalName":"a@b.cd","notify":{"title":"t","message":"m","\\u0074itle":"u"}}',
      400,
      "DuplicateKey",
      ["notify.title"],
    ],
    [
      "an oversized body",
      JSON.stringify({ userPrincipalName: "a@b.cd", pad: "x".repeat(maxBodyBytes) }),
      413,
      "BodyTooLarge",
      [""],
    ],
  ];
  for (const [what, body, status, code, fields] of rejected) {
    it(`rejects ${what} with ${status} ${code} naming the fields, without calling Azure`, async () => {
      const { call, clientRequests } = harness(goodEnvironment);
      const response = await call(body);
      assert.equal(response.status, status);
      const error = errorBody(response);
      assert.equal(error.code, code);
      assert.equal(error.operationId, "op-123");
      assert.deepEqual(
        error.details?.map((detail) => detail.field),
        fields,
      );
      assert.equal(clientRequests(), 0);
    });
  }

  it("rejects a body declared larger than the limit before reading it", async () => {
    const { call } = harness(goodEnvironment);
    const response = await call('{"userPrincipalName":"a@b.cd"}', { "content-length": String(maxBodyBytes + 1) });
    assert.equal(response.status, 413);
  });
});

describe("userSignout handler configuration checks", () => {
  const broken: Array<[string, Record<string, string>, string]> = [
    ["a missing subscription list", {}, "AVD_SUBSCRIPTION_IDS"],
    ["an empty subscription list", { AVD_SUBSCRIPTION_IDS: "" }, "AVD_SUBSCRIPTION_IDS"],
    ["a malformed subscription list", { AVD_SUBSCRIPTION_IDS: "sub-1,sub-2" }, "AVD_SUBSCRIPTION_IDS"],
    ["a malformed client id", { ...goodEnvironment, AZURE_CLIENT_ID: "x" }, "AZURE_CLIENT_ID"],
    [
      "an http endpoint",
      { ...goodEnvironment, AZURE_RESOURCE_MANAGER_ENDPOINT: "http://example.test" },
      "AZURE_RESOURCE_MANAGER_ENDPOINT",
    ],
  ];
  for (const [what, environment, setting] of broken) {
    it(`answers every request with 500 ConfigurationError naming ${setting} for ${what}`, async () => {
      const { call, clientRequests, logs } = harness(environment);
      for (let i = 0; i < 2; i++) {
        const response = await call('{"userPrincipalName":"alice@contoso.com"}');
        assert.equal(response.status, 500);
        const error = errorBody(response);
        assert.equal(error.code, "ConfigurationError");
        assert.equal(error.setting, setting);
        assert.match(error.message, new RegExp(setting));
      }
      assert.equal(clientRequests(), 0);
      assert.ok(logs.some((line) => line.startsWith("error") && line.includes(setting)));
    });
  }

  it("loads configuration once per instance, not per request", () => {
    let parses = 0;
    const loader = createRuntimeLoader({
      environment: new Proxy<Record<string, string>>(goodEnvironment, {
        get(target, key: string) {
          if (key === "AVD_SUBSCRIPTION_IDS") parses++;
          return target[key];
        },
      }),
    });
    assert.ok(loader().ok);
    assert.ok(loader().ok);
    assert.equal(parses, 1);
  });
});

describe("userSignout handler logs", () => {
  it("writes one summary line for a rejected request, naming the fields but not their values", async () => {
    const { call, logs } = harness(goodEnvironment);
    const response = await call('{"userPrincipalName":"not-an-upn","secretField":"hunter2"}');
    assert.equal(response.status, 400);
    const lines = logs.filter((line) => line.includes('"event":"userSignout.rejected"'));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /"operationId":"op-123"/);
    assert.match(lines[0]!, /"fields":\["userPrincipalName","secretField"\]/);
    assert.doesNotMatch(lines[0]!, /not-an-upn|hunter2/);
  });
});
