import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseHostPoolId, parseUserSessionId, sameHostPool } from "../../../src/lib/azure/armResourceId";

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
      // Only the leading character differs from a valid id.
      `x/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp/sessionHosts/h/userSessions/1`.replace(
        "x/",
        "x",
      ),
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp/sessionHosts/./userSessions/1`,
    ]) {
      assert.equal(parseUserSessionId(id), undefined, id);
    }
  });
});

describe("resource id length", () => {
  it("reads ids up to 1024 characters and nothing longer", () => {
    const prefix = `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp/sessionHosts/h/userSessions/`;
    const ofLength = (length: number) => prefix + "1".repeat(length - prefix.length);
    assert.equal(parseUserSessionId(ofLength(1024))?.sessionId.length, 1024 - prefix.length);
    assert.equal(parseUserSessionId(ofLength(1025)), undefined);
  });
});

describe("parseHostPoolId", () => {
  it("rejects anything but a host pool's own id, without throwing", () => {
    for (const id of [
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp/sessionHosts/h`,
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp/sessionHosts/h/userSessions/1`,
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/workspaces/hp`,
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/h p`,
      `/subscriptions/${sub}/resourceGroups/../providers/Microsoft.DesktopVirtualization/hostPools/hp`,
    ]) {
      assert.equal(parseHostPoolId(id), undefined, id);
    }
  });

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
