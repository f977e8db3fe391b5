import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Scenario } from "../../emulator/scenario";
import { readScenarioFile } from "../../emulator/readScenarioFile";
import { startEmulatorFixture, type EmulatorFixture } from "../support/emulatorFixture";
import { collect } from "./collect";
import { rawArmRequest } from "./rawArmRequest";

const subscriptionId = "0b6b3c1e-2f4d-4a8e-9c7b-5d1e3f2a4b6c";
const provider = "Microsoft.DesktopVirtualization";

const scenario: Scenario = {
  subscriptions: [
    {
      id: subscriptionId,
      hostPools: [
        {
          name: "HP-Main",
          resourceGroup: "RG-Desktops",
          location: "westeurope",
          sessionHosts: [
            {
              name: "sh-0.contoso.com",
              sessions: [
                { id: "1", userPrincipalName: "alice@contoso.com", sessionState: "Active" },
                { id: "2", userPrincipalName: "bob@contoso.com", sessionState: "Disconnected" },
              ],
            },
            {
              name: "sh-1.contoso.com",
              sessions: [
                {
                  id: "7",
                  userPrincipalName: "alice@contoso.com",
                  sessionState: "Disconnected",
                  vanishesBeforeDelete: 404,
                },
                { id: "8", userPrincipalName: "carol@contoso.com", sessionState: "Active", vanishesBeforeDelete: 204 },
              ],
            },
          ],
        },
        {
          name: "hostPool1",
          resourceGroup: "resourceGroup1",
          location: "centralus",
          idStyle: "spec",
          sessionHosts: [
            {
              name: "sessionHost1.microsoft.com",
              sessions: [
                {
                  id: "1",
                  userPrincipalName: "user1@microsoft.com",
                  sessionState: "Active",
                  objectId: "7877fb31-4bde-49fd-9df3-c046e0ec5325",
                  activeDirectoryUserName: "WVDARM\\user1",
                  createTime: "2008-09-22T14:01:54.9571247Z",
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};

describe("ARM operations on the emulator, through the real SDK client", () => {
  let fixture: EmulatorFixture;
  before(async () => {
    fixture = await startEmulatorFixture(scenario);
  });
  beforeEach(() => fixture.emulator.load(scenario));
  after(() => fixture.close());

  it("lists host pools with ARM ids, location and properties the SDK deserialises", async () => {
    const pools = await collect(fixture.createClient(subscriptionId).hostPools.list());
    assert.deepEqual(
      pools.map((pool) => pool.id),
      [
        `/subscriptions/${subscriptionId}/resourcegroups/RG-Desktops/providers/${provider}/hostpools/HP-Main`,
        `/subscriptions/${subscriptionId}/resourceGroups/resourceGroup1/providers/${provider}/hostPools/hostPool1`,
      ],
    );
    const [main] = pools;
    assert.equal(main?.name, "HP-Main");
    // Live: the namespace as registered, the type's segments in lower case.
    assert.equal(main?.type, `${provider}/hostpools`);
    assert.equal(main?.location, "westeurope");
    assert.equal(main?.hostPoolType, "Pooled");
    assert.equal(main?.loadBalancerType, "BreadthFirst");
    assert.equal(main?.preferredAppGroupType, "Desktop");
    assert.ok(main?.systemData?.createdAt instanceof Date);
  });

  it("writes live-style user session ids with lower-case segment names and names as HP/host/n", async () => {
    const sessions = await collect(
      fixture.createClient(subscriptionId).userSessions.listByHostPool("RG-Desktops", "HP-Main"),
    );
    const first = sessions[0];
    assert.equal(
      first?.id,
      `/subscriptions/${subscriptionId}/resourcegroups/RG-Desktops/providers/${provider}/hostpools/HP-Main/sessionhosts/sh-0.contoso.com/usersessions/1`,
    );
    assert.equal(first?.name, "HP-Main/sh-0.contoso.com/1");
    assert.equal(first?.type, `${provider}/hostpools/sessionhosts/usersessions`);
    assert.equal(first?.userPrincipalName, "alice@contoso.com");
    assert.equal(first?.sessionState, "Active");
    assert.equal(first?.applicationType, "Desktop");
    assert.equal(first?.activeDirectoryUserName, "CONTOSO\\alice");
    assert.match(first?.objectId ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.ok(first?.createTime instanceof Date);
  });

  it("writes spec-style user sessions as the UserSession_Get example does", async () => {
    const session = await fixture
      .createClient(subscriptionId)
      .userSessions.get("resourceGroup1", "hostPool1", "sessionHost1.microsoft.com", "1");
    assert.equal(
      session.id,
      `/subscriptions/${subscriptionId}/resourceGroups/resourceGroup1/providers/${provider}/hostPools/hostPool1/sessionHosts/sessionHost1.microsoft.com/userSessions/1`,
    );
    assert.equal(session.name, "1");
    assert.equal(session.type, `${provider}/hostPools/sessionHosts/userSessions`);
    assert.equal(session.objectId, "7877fb31-4bde-49fd-9df3-c046e0ec5325");
    assert.equal(session.userPrincipalName, "user1@microsoft.com");
    assert.equal(session.applicationType, "Desktop");
    assert.equal(session.sessionState, "Active");
    assert.equal(session.activeDirectoryUserName, "WVDARM\\user1");
    assert.equal(session.createTime?.toISOString(), "2008-09-22T14:01:54.957Z");
  });

  it("matches resource group and host pool names case-insensitively and keeps their case in ids", async () => {
    const sessions = await collect(
      fixture.createClient(subscriptionId).userSessions.listByHostPool("rg-desktops", "hp-main"),
    );
    assert.equal(sessions.length, 4);
    assert.ok(
      sessions.every(
        (session) => session.id?.includes("/resourcegroups/RG-Desktops/") && session.id.includes("/hostpools/HP-Main/"),
      ),
    );
  });

  it("lists session hosts by FQDN with their session counts", async () => {
    const hosts = await collect(fixture.createClient(subscriptionId).sessionHosts.list("RG-Desktops", "HP-Main"));
    assert.deepEqual(
      hosts.map((host) => [host.name, host.sessions, host.status]),
      [
        ["HP-Main/sh-0.contoso.com", 2, "Available"],
        ["HP-Main/sh-1.contoso.com", 2, "Available"],
      ],
    );
    assert.equal(
      hosts[0]?.id,
      `/subscriptions/${subscriptionId}/resourcegroups/RG-Desktops/providers/${provider}/hostpools/HP-Main/sessionhosts/sh-0.contoso.com`,
    );
  });

  it("lists one session host's user sessions", async () => {
    const sessions = await collect(
      fixture.createClient(subscriptionId).userSessions.list("RG-Desktops", "HP-Main", "sh-1.contoso.com"),
    );
    assert.deepEqual(
      sessions.map((session) => session.name),
      ["HP-Main/sh-1.contoso.com/7", "HP-Main/sh-1.contoso.com/8"],
    );
  });

  it("answers the service's own 404 for an unknown session and ARM's codes for a host pool, group or host", async () => {
    const client = fixture.createClient(subscriptionId);
    await assert.rejects(
      client.userSessions.get("RG-Desktops", "HP-Main", "sh-0.contoso.com", "99"),
      (error: unknown) => {
        const { statusCode, code, message } = error as { statusCode?: number; code?: string; message?: string };
        assert.equal(statusCode, 404);
        assert.equal(code, "404");
        assert.match(message ?? "", /^ActivityId: [0-9a-f-]{36} Error: User session does not exist$/);
        return true;
      },
    );
    await assert.rejects(client.userSessions.get("RG-Desktops", "HP-Main", "sh-9.contoso.com", "1"), {
      statusCode: 404,
      code: "ResourceNotFound",
    });
    await assert.rejects(collect(client.userSessions.listByHostPool("RG-Desktops", "HP-Nope")), {
      statusCode: 404,
      code: "ResourceNotFound",
    });
    await assert.rejects(collect(client.userSessions.listByHostPool("rg-nope", "HP-Main")), {
      statusCode: 404,
      code: "ResourceGroupNotFound",
    });
  });

  it("answers 404 SubscriptionNotFound for a subscription the scenario does not have", async () => {
    const client = fixture.createClient("99999999-9999-4999-8999-999999999999");
    await assert.rejects(collect(client.hostPools.list()), { statusCode: 404, code: "SubscriptionNotFound" });
  });

  it("removes a session on DELETE with force=true, answers 204 with no body, and 204 again once it is gone", async () => {
    const client = fixture.createClient(subscriptionId);
    const bodies: Array<string | undefined> = [];
    const onResponse = (response: { bodyAsText?: string | null }): void => {
      bodies.push(response.bodyAsText ?? undefined);
    };
    await client.userSessions.delete("RG-Desktops", "HP-Main", "sh-0.contoso.com", "1", { force: true, onResponse });
    assert.ok(
      !fixture.emulator
        .sessions()
        .some((session) => session.sessionHost === "sh-0.contoso.com" && session.sessionId === "1"),
    );
    await client.userSessions.delete("RG-Desktops", "HP-Main", "sh-0.contoso.com", "1", { force: true, onResponse });
    assert.deepEqual(
      fixture.emulator.calls().map((call) => [call.operation, call.status, call.query["force"]]),
      [
        ["deleteUserSession", 204, "true"],
        ["deleteUserSession", 204, "true"],
      ],
    );
    assert.deepEqual(
      bodies.map((body) => body ?? ""),
      ["", ""],
    );
  });

  it("answers 200 to a successful DELETE when the scenario sets deleteStatus 200", async () => {
    fixture.emulator.load({ ...scenario, deleteStatus: 200 });
    const client = fixture.createClient(subscriptionId);
    await client.userSessions.delete("RG-Desktops", "HP-Main", "sh-0.contoso.com", "1", { force: true });
    await client.userSessions.delete("RG-Desktops", "HP-Main", "sh-0.contoso.com", "1", { force: true });
    assert.deepEqual(
      fixture.emulator.calls().map((call) => call.status),
      [200, 204],
    );
  });

  it("refuses to log off an active session without force and keeps it", async () => {
    const client = fixture.createClient(subscriptionId);
    await assert.rejects(client.userSessions.delete("RG-Desktops", "HP-Main", "sh-0.contoso.com", "1"), {
      statusCode: 400,
      code: "ActiveSessionLogoffRequiresForce",
    });
    assert.ok(
      fixture.emulator
        .sessions()
        .some((session) => session.sessionHost === "sh-0.contoso.com" && session.sessionId === "1"),
    );
  });

  it("logs off a disconnected session without force", async () => {
    await fixture.createClient(subscriptionId).userSessions.delete("RG-Desktops", "HP-Main", "sh-0.contoso.com", "2");
    assert.ok(
      !fixture.emulator
        .sessions()
        .some((session) => session.sessionHost === "sh-0.contoso.com" && session.sessionId === "2"),
    );
  });

  it("answers a session that vanished before the delete with the scenario's 404 or 204", async () => {
    const client = fixture.createClient(subscriptionId);
    await assert.rejects(
      client.userSessions.delete("RG-Desktops", "HP-Main", "sh-1.contoso.com", "7", { force: true }),
      { statusCode: 404, code: "404" },
    );
    await client.userSessions.delete("RG-Desktops", "HP-Main", "sh-1.contoso.com", "8", { force: true });
    assert.deepEqual(
      fixture.emulator.calls().map((call) => call.status),
      [404, 204],
    );
    assert.ok(!fixture.emulator.sessions().some((session) => session.sessionHost === "sh-1.contoso.com"));
  });

  it("answers the service's 404 body for a missing session when the scenario sets missingSessionDeleteStatus 404", async () => {
    fixture.emulator.load({ ...scenario, missingSessionDeleteStatus: 404 });
    const token = await fixture.credential().getToken("https://management.azure.com/.default");
    const response = await rawArmRequest(fixture.emulator, {
      method: "DELETE",
      path: `/subscriptions/${subscriptionId}/resourceGroups/RG-Desktops/providers/${provider}/hostPools/HP-Main/sessionHosts/sh-0.contoso.com/userSessions/42?api-version=2024-04-03&force=true`,
      bearerToken: token?.token ?? "",
    });
    assert.equal(response.status, 404);
    const activityId = String(response.headers["x-ms-correlation-id"]);
    assert.deepEqual(response.body, {
      error: { code: "404", message: `ActivityId: ${activityId} Error: User session does not exist` },
    });
    await assert.rejects(
      fixture
        .createClient(subscriptionId)
        .userSessions.delete("RG-Desktops", "HP-Main", "sh-0.contoso.com", "42", { force: true }),
      { statusCode: 404, code: "404" },
    );
  });

  it("serves bare, mixed-case session host names in ids and names, matched case-insensitively", async () => {
    fixture.emulator.load({
      subscriptions: [
        {
          id: subscriptionId,
          hostPools: [
            {
              name: "alecbUserSessionHP",
              resourceGroup: "alecbUserSessionTests",
              sessionHosts: [
                {
                  name: "userSess-sh-0",
                  sessions: [{ id: "3", userPrincipalName: "admin@contoso.com", sessionState: "Disconnected" }],
                },
              ],
            },
          ],
        },
      ],
    });
    const client = fixture.createClient(subscriptionId);
    const [session] = await collect(client.userSessions.listByHostPool("alecbUserSessionTests", "alecbUserSessionHP"));
    assert.equal(
      session?.id,
      `/subscriptions/${subscriptionId}/resourcegroups/alecbUserSessionTests/providers/${provider}/hostpools/alecbUserSessionHP/sessionhosts/userSess-sh-0/usersessions/3`,
    );
    assert.equal(session?.name, "alecbUserSessionHP/userSess-sh-0/3");
    const [host] = await collect(client.sessionHosts.list("alecbUserSessionTests", "alecbUserSessionHP"));
    assert.equal(host?.name, "alecbUserSessionHP/userSess-sh-0");
    assert.equal(host?.type, `${provider}/hostpools/sessionhosts`);
    await client.userSessions.delete("alecbusersessiontests", "alecbUserSessionHP", "USERSESS-SH-0", "3", {
      force: true,
    });
    assert.deepEqual(fixture.emulator.sessions(), []);
  });

  it("disconnects a session", async () => {
    await fixture
      .createClient(subscriptionId)
      .userSessions.disconnect("RG-Desktops", "HP-Main", "sh-0.contoso.com", "1");
    const session = fixture.emulator
      .sessions()
      .find((candidate) => candidate.sessionHost === "sh-0.contoso.com" && candidate.sessionId === "1");
    assert.equal(session?.sessionState, "Disconnected");
    assert.equal(fixture.emulator.calls()[0]?.operation, "disconnectUserSession");
  });

  it("records each message sent to a session", async () => {
    const client = fixture.createClient(subscriptionId);
    await client.userSessions.sendMessage("RG-Desktops", "HP-Main", "sh-0.contoso.com", "1", {
      sendMessage: { messageTitle: "Sign-out", messageBody: "You will be signed out in 5 minutes." },
    });
    const session = fixture.emulator
      .sessions()
      .find((candidate) => candidate.sessionHost === "sh-0.contoso.com" && candidate.sessionId === "1");
    assert.deepEqual(
      session?.messages.map(({ messageTitle, messageBody }) => ({ messageTitle, messageBody })),
      [{ messageTitle: "Sign-out", messageBody: "You will be signed out in 5 minutes." }],
    );
  });

  it("logs every ARM call with its operation, status and route values, and no token requests", async () => {
    const client = fixture.createClient(subscriptionId);
    await collect(client.sessionHosts.list("rg-desktops", "HP-Main"));
    await client.userSessions.get("RG-Desktops", "HP-Main", "sh-0.contoso.com", "2");
    const calls = fixture.emulator.calls();
    assert.deepEqual(
      calls.map((call) => ({
        seq: call.seq > 0,
        method: call.method,
        operation: call.operation,
        status: call.status,
        subscriptionId: call.subscriptionId,
        resourceGroup: call.resourceGroup,
        hostPool: call.hostPool,
        sessionHost: call.sessionHost,
        sessionId: call.sessionId,
        apiVersion: call.query["api-version"],
      })),
      [
        {
          seq: true,
          method: "GET",
          operation: "listSessionHosts",
          status: 200,
          subscriptionId,
          resourceGroup: "rg-desktops",
          hostPool: "HP-Main",
          sessionHost: undefined,
          sessionId: undefined,
          apiVersion: "2024-04-03",
        },
        {
          seq: true,
          method: "GET",
          operation: "getUserSession",
          status: 200,
          subscriptionId,
          resourceGroup: "RG-Desktops",
          hostPool: "HP-Main",
          sessionHost: "sh-0.contoso.com",
          sessionId: "2",
          apiVersion: "2024-04-03",
        },
      ],
    );
    assert.ok(calls.every((call) => call.endedAtMs >= call.startedAtMs));
  });

  it("restores the loaded scenario and clears the logs on reset", async () => {
    await fixture.createClient(subscriptionId).userSessions.delete("RG-Desktops", "HP-Main", "sh-0.contoso.com", "2");
    assert.equal(fixture.emulator.sessions().length, 4);
    fixture.emulator.reset();
    assert.equal(fixture.emulator.sessions().length, 5);
    assert.deepEqual(fixture.emulator.calls(), []);
  });

  it("serves the shipped demo tenant", async () => {
    fixture.emulator.load(readScenarioFile("demo-tenant"));
    const pools = await collect(fixture.createClient("3f2c6a8e-5b1d-4c7a-9e21-6d8f0b4a2c11").hostPools.list());
    assert.equal(pools.length, 4);
    const alice = fixture.emulator.sessions().filter((session) => session.userPrincipalName === "alice@contoso.com");
    assert.equal(new Set(alice.map((session) => session.hostPool)).size, 3);
    // One pool names its session hosts bare and in mixed case, as the live service can.
    assert.ok(alice.some((session) => session.sessionHost === "Fin-SH-0"));
  });
});
