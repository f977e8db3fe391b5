import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { batchLimit, stormBodies } from "../../../bench/measureStorm";
import { buildStormTenant, stormTenantSize } from "../../../bench/stormTenant";
import { userPrincipalNameKey } from "../../../src/lib/base/userPrincipalName";

describe("the storm's tenant", () => {
  const tenant = buildStormTenant(40);
  const sessionsOf = (upn: string) =>
    tenant.sessions.filter((s) => userPrincipalNameKey(s.userPrincipalName) === userPrincipalNameKey(upn));

  it("is 2 subscriptions × 20 host pools × 4 session hosts × 3 sessions", () => {
    assert.equal(tenant.subscriptionIds.length, 2);
    assert.equal(tenant.hostPools, 40);
    assert.equal(tenant.sessionHosts, 160);
    assert.equal(tenant.sessions.length, 480);
    assert.equal(new Set(tenant.sessions.map((s) => `${s.sessionHost}/${s.sessionId}`)).size, 480);
  });

  it("gives the 200 storm users 399 sessions: two each, one per subscription, the last user one", () => {
    assert.equal(tenant.stormUsers.length, stormTenantSize.stormUsers);
    assert.equal(new Set(tenant.stormUsers.map(userPrincipalNameKey)).size, 200);
    assert.equal(tenant.stormUsers.flatMap(sessionsOf).length, 399);
    for (const upn of tenant.stormUsers.slice(0, -1)) {
      const sessions = sessionsOf(upn);
      assert.equal(sessions.length, 2, upn);
      assert.equal(new Set(sessions.map((s) => s.subscriptionId)).size, 2, upn);
    }
    assert.equal(sessionsOf(tenant.stormUsers.at(-1)!).length, 1);
  });

  it("stores some storm users' UPNs in another case, as the service may", () => {
    const stored = tenant.stormUsers.flatMap(sessionsOf).map((s) => s.userPrincipalName);
    assert.ok(stored.some((upn) => !tenant.stormUsers.includes(upn)));
  });

  it("keeps 81 sessions of other users, look-alikes among them, that no storm user's key matches", () => {
    const stormKeys = new Set(tenant.stormUsers.map(userPrincipalNameKey));
    const others = tenant.sessions.filter((s) => !stormKeys.has(userPrincipalNameKey(s.userPrincipalName)));
    assert.equal(others.length, 81);
    assert.ok(others.some((s) => s.userPrincipalName.toLowerCase().includes(tenant.stormUsers[0]!.toLowerCase())));
    assert.equal(sessionsOf(tenant.warmUpUser).length, 0);
  });
});

describe("the storm's requests", () => {
  const users = buildStormTenant(40).stormUsers;
  const named = (bodies: readonly string[]) =>
    bodies.flatMap((body) => {
      const parsed = JSON.parse(body) as { userPrincipalName?: string; userPrincipalNames?: string[] };
      return parsed.userPrincipalNames ?? [parsed.userPrincipalName!];
    });

  it("sends one single-user request per user", () => {
    const bodies = stormBodies(users.slice(0, 50), "storm");
    assert.equal(bodies.length, 50);
    assert.deepEqual(named(bodies), users.slice(0, 50));
  });

  it("sends the same users as ⌈N/100⌉ batch requests of at most 100 users", () => {
    for (const n of [10, 50, 100, 150, 200]) {
      const bodies = stormBodies(users.slice(0, n), "batch");
      assert.equal(bodies.length, Math.ceil(n / batchLimit), `N = ${n}`);
      assert.deepEqual(named(bodies), users.slice(0, n));
      for (const body of bodies) assert.ok(named([body]).length <= batchLimit);
    }
  });
});
