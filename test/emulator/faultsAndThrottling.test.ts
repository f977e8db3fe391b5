import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Scenario } from "../../emulator/scenario";
import { startEmulatorFixture, type EmulatorFixture } from "../support/emulatorFixture";
import { collect } from "./collect";
import { rawArmRequest } from "./rawArmRequest";

const allowed = "8e4a5b6c-7d8e-4f9a-8b1c-2d3e4f5a6b7c";
const forbidden = "9f5b6c7d-8e9f-4a0b-9c2d-3e4f5a6b7c8d";

const base: Scenario = {
  subscriptions: [
    {
      id: allowed,
      hostPools: ["hp-a", "hp-b"].map((name) => ({
        name,
        resourceGroup: "rg-faults",
        sessionHosts: [
          {
            name: `${name}-0.contoso.com`,
            sessions: [{ id: "1", userPrincipalName: "alice@contoso.com", sessionState: "Active" as const }],
          },
        ],
      })),
    },
    { id: forbidden, forbidden: true, hostPools: [{ name: "hp-x", resourceGroup: "rg-x" }] },
  ],
};

const noRetries = { clientOptions: { retryOptions: { maxRetries: 0 } } };
const provider = "Microsoft.DesktopVirtualization";
const sessionPath = (pool: string) =>
  `/subscriptions/${allowed}/resourceGroups/rg-faults/providers/${provider}/hostPools/${pool}/sessionHosts/${pool}-0.contoso.com/userSessions/1`;

describe("faults, throttling, latency and concurrency", () => {
  let fixture: EmulatorFixture;
  before(async () => {
    fixture = await startEmulatorFixture(base);
  });
  after(() => fixture.close());

  it("answers 403 AuthorizationFailed to every call into a forbidden subscription", async () => {
    fixture.emulator.load(base);
    const client = fixture.createClient(forbidden);
    await assert.rejects(collect(client.hostPools.list()), (error: unknown) => {
      const { statusCode, code, message } = error as { statusCode?: number; code?: string; message?: string };
      assert.equal(statusCode, 403);
      assert.equal(code, "AuthorizationFailed");
      assert.match(
        message ?? "",
        /does not have authorization to perform action 'Microsoft\.DesktopVirtualization\/hostpools\/read'/,
      );
      return true;
    });
    await assert.rejects(collect(client.userSessions.listByHostPool("rg-x", "hp-x")), {
      statusCode: 403,
      code: "AuthorizationFailed",
    });
    await assert.rejects(client.userSessions.delete("rg-x", "hp-x", "h.contoso.com", "1", { force: true }), {
      statusCode: 403,
    });
  });

  it("lets the SDK wait out a 429 with Retry-After and then succeed", async () => {
    fixture.emulator.load({
      ...base,
      faults: [{ match: { operation: "listUserSessions" }, status: 429, retryAfterSeconds: 1, count: 1 }],
    });
    const sessions = await collect(fixture.createClient(allowed).userSessions.listByHostPool("rg-faults", "hp-a"));
    assert.equal(sessions.length, 1);
    assert.deepEqual(
      fixture.emulator.calls().map((call) => [call.status, call.errorCode]),
      [
        [429, "SubscriptionRequestsThrottled"],
        [200, undefined],
      ],
    );
  });

  it("fails one host pool's listing while the others answer", async () => {
    fixture.emulator.load({
      ...base,
      faults: [
        {
          match: { hostPool: "HP-B", method: "get" },
          status: 500,
          code: "InternalServerError",
          message: "Something went wrong.",
        },
      ],
    });
    const client = fixture.createClient(allowed, noRetries);
    assert.equal((await collect(client.userSessions.listByHostPool("rg-faults", "hp-a"))).length, 1);
    await assert.rejects(collect(client.userSessions.listByHostPool("rg-faults", "hp-b")), {
      statusCode: 500,
      code: "InternalServerError",
    });
    await assert.rejects(collect(client.userSessions.listByHostPool("rg-faults", "hp-b")), { statusCode: 500 });
  });

  it("throttles reads per subscription with a token bucket and answers Retry-After in whole seconds", async () => {
    fixture.emulator.load({ ...base, throttling: { reads: { capacity: 2, refillPerSecond: 0.01 } } });
    const client = fixture.createClient(allowed, noRetries);
    await collect(client.hostPools.list());
    await collect(client.hostPools.list());
    await assert.rejects(collect(client.hostPools.list()), (error: unknown) => {
      const { statusCode, code, response } = error as {
        statusCode?: number;
        code?: string;
        response?: { headers: { get(name: string): string | undefined } };
      };
      assert.equal(statusCode, 429);
      assert.equal(code, "SubscriptionRequestsThrottled");
      assert.match(response?.headers.get("retry-after") ?? "", /^[1-9]\d*$/);
      return true;
    });
    // Deletes draw on their own bucket, and other subscriptions on theirs.
    await client.userSessions.delete("rg-faults", "hp-a", "hp-a-0.contoso.com", "1", { force: true });
    await assert.rejects(collect(fixture.createClient(forbidden, noRetries).hostPools.list()), { statusCode: 403 });
  });

  it("reports the remaining reads in x-ms-ratelimit-remaining-subscription-reads", async () => {
    fixture.emulator.load({ ...base, throttling: { reads: { capacity: 250, refillPerSecond: 25 } } });
    let remaining: string | undefined;
    await collect(
      fixture.createClient(allowed).hostPools.list({
        onResponse: (response) => {
          remaining = response.headers.get("x-ms-ratelimit-remaining-subscription-reads");
        },
      }),
    );
    assert.equal(remaining, "249");
  });

  it("lets the SDK retry a throttled read once the bucket refills", async () => {
    fixture.emulator.load({ ...base, throttling: { reads: { capacity: 1, refillPerSecond: 1 } } });
    const client = fixture.createClient(allowed);
    await collect(client.hostPools.list());
    await collect(client.hostPools.list());
    assert.deepEqual(
      fixture.emulator.calls().map((call) => call.status),
      [200, 429, 200],
    );
  });

  it("counts the peak of concurrent requests per subscription", async () => {
    fixture.emulator.load(base);
    const client = fixture.createClient(allowed);
    // Held until all three are in: the overlap is decided by the gate, not by latency.
    const gate = fixture.emulator.gate({});
    const calls = Promise.all([
      client.userSessions.get("rg-faults", "hp-a", "hp-a-0.contoso.com", "1"),
      client.userSessions.get("rg-faults", "hp-b", "hp-b-0.contoso.com", "1"),
      collect(client.hostPools.list()),
    ]);
    await gate.arrived(3);
    gate.release();
    await calls;
    const peak = fixture.emulator.peakConcurrency();
    assert.equal(peak.bySubscription[allowed], 3);
    assert.equal(peak.overall, 3);
  });

  const armToken = async (): Promise<string> =>
    (await fixture.credential().getToken("https://management.azure.com/.default"))?.token ?? "";

  it("answers an HTML 404 for a given path, whether or not the emulator has a route for it", async () => {
    fixture.emulator.load({
      ...base,
      faults: [
        { match: { path: sessionPath("HP-A").toLowerCase() }, status: 404, body: "html" },
        { match: { path: "/gateway/down" }, status: 404, body: "html" },
      ],
    });
    const token = await armToken();
    for (const path of [sessionPath("hp-a"), "/gateway/down"]) {
      const response = await rawArmRequest(fixture.emulator, {
        method: "DELETE",
        path: `${path}?api-version=2024-04-03&force=true`,
        bearerToken: token,
      });
      assert.equal(response.status, 404);
      assert.match(String(response.headers["content-type"]), /^text\/html/);
      assert.match(response.text, /^<!DOCTYPE html>/);
    }
    // The session was not touched, and another path is not affected.
    assert.equal(fixture.emulator.sessions().length, 2);
    await fixture
      .createClient(allowed)
      .userSessions.delete("rg-faults", "hp-b", "hp-b-0.contoso.com", "1", { force: true });
    await assert.rejects(
      fixture.createClient(allowed, noRetries).userSessions.delete("rg-faults", "hp-a", "hp-a-0.contoso.com", "1", {
        force: true,
      }),
      { statusCode: 404 },
    );
    assert.deepEqual(
      fixture.emulator.calls().map((call) => [call.status, call.errorCode]),
      [
        [404, undefined],
        [404, undefined],
        [204, undefined],
        [404, undefined],
      ],
    );
  });

  it("answers a listing page as HTML, {} or a null value when the scenario says so", async () => {
    fixture.emulator.load({
      ...base,
      faults: [
        { match: { operation: "listUserSessions", hostPool: "hp-a" }, status: 200, body: "html" },
        { match: { operation: "listUserSessions", hostPool: "hp-b" }, status: 200, body: "emptyObject" },
        { match: { operation: "listHostPools" }, status: 200, body: "nullValue" },
      ],
    });
    const token = await armToken();
    const listPath = (pool: string) =>
      `/subscriptions/${allowed}/resourceGroups/rg-faults/providers/${provider}/hostPools/${pool}/userSessions?api-version=2024-04-03`;
    const html = await rawArmRequest(fixture.emulator, { path: listPath("hp-a"), bearerToken: token });
    assert.deepEqual([html.status, html.body], [200, undefined]);
    assert.match(html.text, /^<!DOCTYPE html>/);
    const empty = await rawArmRequest(fixture.emulator, { path: listPath("hp-b"), bearerToken: token });
    assert.deepEqual([empty.status, empty.body], [200, {}]);
    const nullValue = await rawArmRequest(fixture.emulator, {
      path: `/subscriptions/${allowed}/providers/${provider}/hostPools?api-version=2024-04-03`,
      bearerToken: token,
    });
    assert.deepEqual([nullValue.status, nullValue.body], [200, { value: null }]);

    // What the SDK makes of each: no error, just no items. Only the caller can tell that it read no page.
    const client = fixture.createClient(allowed, noRetries);
    assert.deepEqual(await collect(client.userSessions.listByHostPool("rg-faults", "hp-a")), []);
    assert.deepEqual(await collect(client.userSessions.listByHostPool("rg-faults", "hp-b")), []);
    assert.deepEqual(await collect(client.hostPools.list()), []);
  });

  it("lists no host pools, with 200, for a subscription that hides them, while each pool still answers", async () => {
    fixture.emulator.load({
      ...base,
      subscriptions: base.subscriptions.map((subscription) =>
        subscription.id === allowed ? { ...subscription, hidesHostPools: true as const } : subscription,
      ),
    });
    const client = fixture.createClient(allowed);
    assert.deepEqual(await collect(client.hostPools.list()), []);
    assert.equal((await collect(client.userSessions.listByHostPool("rg-faults", "hp-a"))).length, 1);
    assert.deepEqual(
      fixture.emulator.calls().map((call) => [call.operation, call.status]),
      [
        ["listHostPools", 200],
        ["listUserSessions", 200],
      ],
    );
  });
});
