import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Scenario } from "../../emulator/scenario";
import { startEmulatorFixture, type EmulatorFixture } from "../support/emulatorFixture";
import { collect } from "./collect";

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
        [429, "TooManyRequests"],
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
      assert.equal(code, "TooManyRequests");
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
    fixture.emulator.load({ ...base, latencyMs: 150 });
    const client = fixture.createClient(allowed);
    await Promise.all([
      client.userSessions.get("rg-faults", "hp-a", "hp-a-0.contoso.com", "1"),
      client.userSessions.get("rg-faults", "hp-b", "hp-b-0.contoso.com", "1"),
      collect(client.hostPools.list()),
    ]);
    const peak = fixture.emulator.peakConcurrency();
    assert.equal(peak.bySubscription[allowed], 3);
    assert.equal(peak.overall, 3);
  });
});
