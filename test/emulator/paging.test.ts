import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Scenario } from "../../emulator/scenario";
import { startEmulatorFixture, type EmulatorFixture } from "../support/emulatorFixture";
import { collect } from "./collect";
import { rawArmRequest } from "./rawArmRequest";

const subscriptionId = "6c2e3d4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const upns = ["alice", "bob", "carol", "alice", "dave", "alice", "erin"].map((name) => `${name}@contoso.com`);

const scenario: Scenario = {
  subscriptions: [
    {
      id: subscriptionId,
      hostPoolPageSize: 2,
      hostPools: [
        {
          name: "hp-big",
          resourceGroup: "rg-paging",
          sessionPageSize: 3,
          sessionHosts: [
            {
              name: "sh-0.contoso.com",
              sessions: upns.slice(0, 4).map((userPrincipalName, index) => ({
                id: String(index + 1),
                userPrincipalName,
                sessionState: "Active" as const,
              })),
            },
            {
              name: "sh-1.contoso.com",
              sessions: upns.slice(4).map((userPrincipalName, index) => ({
                id: String(index + 1),
                userPrincipalName,
                sessionState: "Disconnected" as const,
              })),
            },
          ],
        },
        ...["hp-b", "hp-c", "hp-d", "hp-e"].map((name) => ({ name, resourceGroup: "rg-paging" })),
      ],
    },
  ],
};

describe("paging through nextLink", () => {
  let fixture: EmulatorFixture;
  before(async () => {
    fixture = await startEmulatorFixture(scenario);
  });
  beforeEach(() => fixture.emulator.load(scenario));
  after(() => fixture.close());

  it("lets the SDK iterate every page of host pools", async () => {
    const pools = await collect(fixture.createClient(subscriptionId).hostPools.list());
    assert.deepEqual(
      pools.map((pool) => pool.name),
      ["hp-big", "hp-b", "hp-c", "hp-d", "hp-e"],
    );
    const calls = fixture.emulator.calls();
    assert.deepEqual(
      calls.map((call) => [call.operation, call.status, call.query["$skipToken"] !== undefined]),
      [
        ["listHostPools", 200, false],
        ["listHostPools", 200, true],
        ["listHostPools", 200, true],
      ],
    );
  });

  it("writes nextLink as an absolute URL that carries api-version, $filter and pageSize", async () => {
    const { token } = (await fixture.credential().getToken("https://management.azure.com/.default")) ?? { token: "" };
    const path = `/subscriptions/${subscriptionId}/resourceGroups/rg-paging/providers/Microsoft.DesktopVirtualization/hostPools/hp-big/userSessions?api-version=2024-04-03&pageSize=2&$filter=${encodeURIComponent("userPrincipalName eq 'alice@contoso.com'")}`;
    const response = await rawArmRequest(fixture.emulator, { path, bearerToken: token });
    assert.equal(response.status, 200);
    const body = response.body as { value: unknown[]; nextLink?: string };
    assert.equal(body.value.length, 2);
    const next = new URL(body.nextLink ?? "");
    assert.equal(next.origin, fixture.emulator.armEndpoint);
    assert.equal(next.searchParams.get("api-version"), "2024-04-03");
    assert.equal(next.searchParams.get("pageSize"), "2");
    assert.equal(next.searchParams.get("$filter"), "userPrincipalName eq 'alice@contoso.com'");
    assert.ok(next.searchParams.get("$skipToken"));
  });

  it("uses the host pool's page size when the caller passes none", async () => {
    const sessions = await collect(
      fixture.createClient(subscriptionId).userSessions.listByHostPool("rg-paging", "hp-big"),
    );
    assert.equal(sessions.length, 7);
    assert.equal(new Set(sessions.map((session) => session.id)).size, 7);
    assert.equal(fixture.emulator.calls().length, 3);
  });

  it("honours pageSize on every page", async () => {
    const sessions = await collect(
      fixture.createClient(subscriptionId).userSessions.listByHostPool("rg-paging", "hp-big", { pageSize: 2 }),
    );
    assert.equal(sessions.length, 7);
    const calls = fixture.emulator.calls();
    assert.equal(calls.length, 4);
    assert.ok(calls.every((call) => call.query["pageSize"] === "2"));
  });

  it("keeps the filter on every page", async () => {
    const sessions = await collect(
      fixture.createClient(subscriptionId).userSessions.listByHostPool("rg-paging", "hp-big", {
        filter: "userPrincipalName ne 'bob@contoso.com'",
        pageSize: 2,
      }),
    );
    assert.equal(sessions.length, 6);
    assert.ok(sessions.every((session) => session.userPrincipalName !== "bob@contoso.com"));
    assert.ok(
      fixture.emulator.calls().every((call) => call.query["$filter"] === "userPrincipalName ne 'bob@contoso.com'"),
    );
  });

  it("pages session hosts and a session host's sessions too", async () => {
    const client = fixture.createClient(subscriptionId);
    assert.equal((await collect(client.sessionHosts.list("rg-paging", "hp-big", { pageSize: 1 }))).length, 2);
    assert.equal(
      (await collect(client.userSessions.list("rg-paging", "hp-big", "sh-0.contoso.com", { pageSize: 1 }))).length,
      4,
    );
  });

  it("applies isDescending and initialSkip before paging", async () => {
    const sessions = await collect(
      fixture
        .createClient(subscriptionId)
        .userSessions.listByHostPool("rg-paging", "hp-big", { isDescending: true, initialSkip: 1, pageSize: 4 }),
    );
    assert.deepEqual(
      sessions.map((session) => session.name),
      [
        "hp-big/sh-1.contoso.com/2",
        "hp-big/sh-1.contoso.com/1",
        "hp-big/sh-0.contoso.com/4",
        "hp-big/sh-0.contoso.com/3",
        "hp-big/sh-0.contoso.com/2",
        "hp-big/sh-0.contoso.com/1",
      ],
    );
  });

  it("ends a finished userSessions listing with nextLink null and leaves the key out of the host pool listing", async () => {
    const { token } = (await fixture.credential().getToken("https://management.azure.com/.default")) ?? { token: "" };
    const base = `/subscriptions/${subscriptionId}`;
    const pool = `${base}/resourceGroups/rg-paging/providers/Microsoft.DesktopVirtualization/hostPools/hp-big`;
    const lastSessions = await rawArmRequest(fixture.emulator, {
      path: `${pool}/userSessions?api-version=2024-04-03&pageSize=10`,
      bearerToken: token,
    });
    assert.equal((lastSessions.body as { value: unknown[] }).value.length, 7);
    assert.ok(Object.hasOwn(lastSessions.body as object, "nextLink"));
    assert.equal((lastSessions.body as { nextLink?: unknown }).nextLink, null);
    const hostSessions = await rawArmRequest(fixture.emulator, {
      path: `${pool}/sessionHosts/sh-0.contoso.com/userSessions?api-version=2024-04-03&pageSize=10`,
      bearerToken: token,
    });
    assert.equal((hostSessions.body as { nextLink?: unknown }).nextLink, null);
    const lastPools = await rawArmRequest(fixture.emulator, {
      path: `${base}/providers/Microsoft.DesktopVirtualization/hostPools?api-version=2024-04-03&pageSize=10`,
      bearerToken: token,
    });
    assert.equal((lastPools.body as { value: unknown[] }).value.length, 5);
    assert.ok(!Object.hasOwn(lastPools.body as object, "nextLink"));
  });

  it("pages 200 sessions and 100 host pools by default, and a scenario can change both", async () => {
    const many: Scenario = {
      subscriptions: [
        {
          id: subscriptionId,
          hostPools: Array.from({ length: 101 }, (_, pool) => ({
            name: `hp-${pool}`,
            resourceGroup: "rg-many",
            sessionHosts:
              pool === 0
                ? [
                    {
                      name: "sh-0",
                      sessions: Array.from({ length: 401 }, (_, index) => ({
                        id: String(index + 1),
                        userPrincipalName: `user${index}@contoso.com`,
                        sessionState: "Active" as const,
                      })),
                    },
                  ]
                : [],
          })),
        },
      ],
    };
    fixture.emulator.load(many);
    const client = fixture.createClient(subscriptionId);
    assert.equal((await collect(client.hostPools.list())).length, 101);
    assert.equal((await collect(client.userSessions.listByHostPool("rg-many", "hp-0"))).length, 401);
    const pages = (operation: string) => fixture.emulator.calls().filter((call) => call.operation === operation).length;
    assert.deepEqual([pages("listHostPools"), pages("listUserSessions")], [2, 3]);

    fixture.emulator.load({ ...many, sessionPageSize: 1000, hostPoolPageSize: 50 });
    assert.equal((await collect(client.hostPools.list())).length, 101);
    assert.equal((await collect(client.userSessions.listByHostPool("rg-many", "hp-0"))).length, 401);
    assert.deepEqual([pages("listHostPools"), pages("listUserSessions")], [3, 1]);
  });
});
