import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createHttpHeaders,
  createPipelineRequest,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import {
  armGuardPolicy,
  foreignOriginCode,
  foreignSubscriptionCode,
  unexpectedActionPathCode,
} from "../../../src/lib/azure/armPolicies";
import { isUserSessionActionPath } from "../../../src/lib/azure/armResourceId";

const arm = "https://management.azure.com";
const sub = "11111111-1111-4111-8111-111111111111";
/** Configured too, written in upper case in the setting. */
const other = "22222222-2222-4222-8222-22222222222a";
const foreign = "33333333-3333-4333-8333-333333333333";
const pool = `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp`;
const session = `${pool}/sessionHosts/h1.contoso.com/userSessions/1`;

/** Sends `method url` through the guard production puts last in every ARM client's pipeline. */
async function send(
  method: string,
  url: string,
): Promise<{ sent: string[]; error?: { code?: string; message?: string } }> {
  const sent: string[] = [];
  const next = (request: PipelineRequest): Promise<PipelineResponse> => {
    sent.push(`${request.method} ${request.url}`);
    return Promise.resolve({ request, status: 200, headers: createHttpHeaders() });
  };
  try {
    await armGuardPolicy(`${arm}/`, [sub, other.toUpperCase()]).sendRequest(
      createPipelineRequest({ url, method: method as "GET" }),
      next,
    );
    return { sent };
  } catch (error) {
    return { sent, error: error as { code?: string; message?: string } };
  }
}

describe("armGuardPolicy", () => {
  it("passes reads of the ARM origin and writes on user sessions", async () => {
    for (const [method, url] of [
      ["GET", `${arm}${pool}/userSessions?api-version=2024-04-03`],
      ["DELETE", `${arm}${session}?api-version=2024-04-03&force=true`],
      ["POST", `${arm}${session}/disconnect?api-version=2024-04-03`],
      ["POST", `${arm}${session}/sendMessage?api-version=2024-04-03`],
    ] as const) {
      const result = await send(method, url);
      assert.equal(result.error, undefined, `${method} ${url}`);
      assert.deepEqual(result.sent, [`${method} ${url}`]);
    }
  });

  it("sends nothing to another origin: another host, scheme or port", async () => {
    for (const origin of [
      "https://management.azure.com.evil.example",
      "http://management.azure.com",
      "https://management.azure.com:8443",
      "https://evil.example",
    ]) {
      const result = await send("GET", `${origin}${pool}/userSessions`);
      assert.deepEqual(result.sent, [], origin);
      assert.equal(result.error?.code, foreignOriginCode, origin);
      assert.match(
        result.error?.message ?? "",
        /^Refused to send a request to .+: only https:\/\/management\.azure\.com receives the token\.$/,
      );
    }
    const unparsable = await send("GET", "not a url");
    assert.deepEqual(unparsable.sent, []);
    assert.equal(unparsable.error?.code, "ForeignOriginRefused");
    assert.equal(unparsable.error?.message, "Refused a request with an unparsable URL.");
  });

  it("sends nothing outside the configured subscriptions, however the URL spells its way there", async () => {
    const foreignPool = pool.replace(sub, foreign);
    for (const [method, path] of [
      ["GET", `${foreignPool}/userSessions?api-version=2024-04-03`],
      ["DELETE", `${foreignPool}/sessionHosts/h1.contoso.com/userSessions/1?api-version=2024-04-03`],
      ["GET", `/SUBSCRIPTIONS/${foreign.toUpperCase()}/providers/Microsoft.DesktopVirtualization/hostPools`],
      ["GET", `/subscriptions/${sub}/../${foreign}/providers/Microsoft.DesktopVirtualization/hostPools`],
      ["GET", `/subscriptions/${sub}/%2e%2e/%2e%2e/subscriptions/${foreign}/providers/x`],
      ["GET", `/subscriptions/%33${foreign.slice(1)}/providers/Microsoft.DesktopVirtualization/hostPools`],
      ["GET", "/providers/Microsoft.DesktopVirtualization/operations"],
      ["GET", `/tenants/${sub}/subscriptions/${sub}`],
      ["GET", "/subscriptions/%E0%A4%A/providers/x"],
    ] as const) {
      const result = await send(method, `${arm}${path}`);
      assert.deepEqual(result.sent, [], `${method} ${path}`);
      assert.equal(result.error?.code, foreignSubscriptionCode, `${method} ${path}`);
    }
    assert.equal(foreignSubscriptionCode, "ForeignSubscriptionRefused");
    for (const path of [
      `/subscriptions/${other}/providers/Microsoft.DesktopVirtualization/hostPools`,
      `/Subscriptions/${sub.toUpperCase()}/providers/Microsoft.DesktopVirtualization/hostPools`,
      `/subscriptions/%31${sub.slice(1)}/providers/Microsoft.DesktopVirtualization/hostPools`,
    ]) {
      const result = await send("GET", `${arm}${path}`);
      assert.equal(result.error, undefined, path);
    }
  });

  it("sends no write to anything but a user session or its disconnect and sendMessage actions", async () => {
    for (const [method, path] of [
      ["DELETE", pool],
      ["DELETE", `${pool}/sessionHosts/h1.contoso.com`],
      ["POST", `${session}/restart`],
      ["POST", `${pool}/sessionHosts/h1.contoso.com/disconnect`],
      ["DELETE", `${session}/extra/1`],
      ["DELETE", `/subscriptions/${sub}/resourceGroups/rg`],
    ] as const) {
      const result = await send(method, `${arm}${path}`);
      assert.deepEqual(result.sent, [], `${method} ${path}`);
      assert.equal(result.error?.code, unexpectedActionPathCode, `${method} ${path}`);
      assert.equal(unexpectedActionPathCode, "UnexpectedActionPathRefused");
      assert.equal(result.error?.message, `Refused a ${method} that is not on a user session: ${path}`);
    }
  });
});

describe("isUserSessionActionPath", () => {
  it("accepts a user session and its two actions, in any segment case and percent-encoded", () => {
    for (const path of [
      session,
      `${session}/disconnect`,
      `${session}/sendMessage`,
      `${session}/SENDMESSAGE`,
      session.toLowerCase(),
      `${pool}/sessionHosts/h1%2Econtoso.com/userSessions/1`,
    ]) {
      assert.ok(isUserSessionActionPath(path), path);
    }
  });

  it("refuses everything else, including paths that decode into a parent or another resource", () => {
    for (const path of [
      "",
      "/",
      "subscriptions/x",
      pool,
      `${session}/`,
      `${session}/restart`,
      `${session}/disconnect/1`,
      `${pool}/sessionHosts/h1.contoso.com/userSessions/%2e%2e`,
      `${pool}/sessionHosts/h1.contoso.com/userSessions/%2e`,
      `${pool}/sessionHosts/./userSessions/1`,
      `x${session}`,
      `${pool}/sessionHosts/h1.contoso.com/userSessions/1%2Fdisconnect`,
      `${pool}/sessionHosts/h1.contoso.com/userSessions/%E0%A4%A`,
      `${pool}/sessionHosts/h1.contoso.com/userSessions/1%3Fx`,
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Compute/hostPools/hp/sessionHosts/h/userSessions/1`,
    ]) {
      assert.ok(!isUserSessionActionPath(path), path);
    }
  });
});
