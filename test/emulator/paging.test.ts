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
});
