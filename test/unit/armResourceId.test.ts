import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseHostPoolId, parseUserSessionId, sameHostPool } from "../../src/azure/armResourceId";

const sub = "11111111-1111-1111-1111-111111111111";

describe("parseUserSessionId", () => {
  it("reads the lower-case segment names the live service writes, keeping the values' case", () => {
    const id = `/subscriptions/${sub}/resourcegroups/RG-Avd/providers/Microsoft.DesktopVirtualization/hostpools/HP-West/sessionhosts/Host-1.Contoso.com/usersessions/3`;
    assert.deepEqual(parseUserSessionId(id), {
      subscriptionId: sub,
      resourceGroup: "RG-Avd",
      hostPool: "HP-West",
      sessionHost: "Host-1.Contoso.com",
      sessionId: "3",
    });
  });

  it("reads the camel-case segment names of the REST specification", () => {
    const id = `/subscriptions/${sub}/resourceGroups/rg/providers/microsoft.desktopvirtualization/hostPools/hp/sessionHosts/h.contoso.com/userSessions/12`;
    assert.equal(parseUserSessionId(id)?.sessionId, "12");
  });

  it("rejects ids of another shape or provider", () => {
    for (const id of [
      "",
      "subscriptions/x",
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp`,
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Compute/hostPools/hp/sessionHosts/h/userSessions/1`,
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp/sessionHosts/h/userSessions/1/extra/2`,
      `/subscriptions/${sub}/resourceGroups//providers/Microsoft.DesktopVirtualization/hostPools/hp/sessionHosts/h/userSessions/1`,
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/workspaces/hp/sessionHosts/h/userSessions/1`,
    ]) {
      assert.equal(parseUserSessionId(id), undefined, id);
    }
  });
});

describe("parseHostPoolId", () => {
  it("reads host pool ids in either case", () => {
    assert.deepEqual(
      parseHostPoolId(`/subscriptions/${sub}/resourcegroups/RG/providers/Microsoft.DesktopVirtualization/hostpools/HP`),
      { subscriptionId: sub, resourceGroup: "RG", hostPool: "HP" },
    );
    assert.equal(
      parseHostPoolId(`/subscriptions/${sub}/resourceGroups/RG/providers/Microsoft.DesktopVirtualization`),
      undefined,
    );
  });

  it("compares host pools case-insensitively, as ARM does", () => {
    const a = { subscriptionId: sub, resourceGroup: "RG", hostPool: "HP" };
    assert.ok(sameHostPool(a, { subscriptionId: sub.toUpperCase(), resourceGroup: "rg", hostPool: "hp" }));
    assert.ok(!sameHostPool(a, { ...a, hostPool: "HP2" }));
  });
});
