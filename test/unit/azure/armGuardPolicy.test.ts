import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { armGuardPolicy } from "../../../src/lib/azure/armPolicies";
import { isUserSessionActionPath } from "../../../src/lib/azure/armResourceId";

const arm = "https://management.azure.com";
const pool =
  "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp";
const session = `${pool}/sessionHosts/host.contoso.com/userSessions/3`;

async function send(method: "GET" | "DELETE" | "POST", url: string): Promise<{ sent: boolean; code?: string }> {
  let sent = false;
  try {
    await armGuardPolicy(arm, ["11111111-1111-4111-8111-111111111111"]).sendRequest(
      createPipelineRequest({ url, method }),
      (request) => {
        sent = true;
        const response: PipelineResponse = { request, status: 200, headers: createHttpHeaders() };
        return Promise.resolve(response);
      },
    );
    return { sent };
  } catch (error) {
    return { sent, code: (error as { code?: string }).code };
  }
}

describe("the ARM guard policy", () => {
  it("lets reads of the ARM endpoint and writes on user sessions through", async () => {
    assert.deepEqual(await send("GET", `${arm}${pool}/userSessions?api-version=2024-04-03`), { sent: true });
    assert.deepEqual(await send("DELETE", `${arm}${session}?api-version=2024-04-03&force=true`), { sent: true });
    assert.deepEqual(await send("POST", `${arm}${session}/disconnect?api-version=2024-04-03`), { sent: true });
    assert.deepEqual(await send("POST", `${arm}${session}/sendMessage?api-version=2024-04-03`), { sent: true });
  });

  it("refuses, before sending, any request to another origin", async () => {
    for (const url of [
      "https://attacker.example/x",
      "https://management.azure.com.attacker.example/x",
      "http://management.azure.com/x",
      "https://management.azure.com:444/x",
    ]) {
      assert.deepEqual(await send("GET", url), { sent: false, code: "ForeignOriginRefused" }, url);
    }
  });

  it("refuses, before sending, any write that is not on one user session", async () => {
    for (const [method, path] of [
      ["DELETE", pool],
      ["DELETE", `${pool}/`],
      ["DELETE", `${pool}/sessionHosts/host.contoso.com`],
      ["DELETE", `${pool}/sessionHosts/host.contoso.com/userSessions`],
      ["DELETE", `${pool}/sessionHosts/../userSessions/..`],
      ["DELETE", `${pool}/sessionHosts/host.contoso.com%2F..%2F..%2F/userSessions/1`],
      ["POST", `${session}/delete`],
      ["POST", `${pool}/update`],
    ] as const) {
      assert.deepEqual(
        await send(method, `${arm}${path}?api-version=2024-04-03`),
        { sent: false, code: "UnexpectedActionPathRefused" },
        `${method} ${path}`,
      );
    }
  });

  it("recognises user-session paths whatever case ARM writes the segment names in", () => {
    assert.ok(isUserSessionActionPath(session.toLowerCase()));
    assert.ok(isUserSessionActionPath(`${session}/Disconnect`));
    assert.ok(!isUserSessionActionPath(`${session}/3`));
    assert.ok(!isUserSessionActionPath("/%E0%A4%A"));
  });
});
