import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Scenario } from "../../emulator/scenario";
import { createManualClock, eventually, openScan } from "../support/manualClock";
import { startSignOutHarness, type SignOutHarness } from "./signOutHarness";
import {
  aliceSessions,
  everyoneButAlice,
  subscriptionA,
  subscriptionB,
  subscriptionForbidden,
  tenantScenario,
  tenantWithForbiddenSubscription,
} from "./tenantScenario";

let harness: SignOutHarness;

before(async () => {
  harness = await startSignOutHarness(tenantScenario());
});
after(() => harness.close());

function load(scenario: Scenario): void {
  harness.emulator.load(scenario);
}

beforeEach(() => load(tenantScenario()));

describe("POST /api/avd/user-signout against the emulated tenant", () => {
  it("signs out every session of the user across subscriptions, paged listings, host pools and states", async () => {
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.equal(result.status, 200);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
    assert.equal(result.body.status, "completed");
    assert.deepEqual(result.body.counts, {
      subscriptions: 2,
      hostPoolsScanned: 4,
      sessionsFound: 4,
      signedOut: 4,
      alreadyGone: 0,
      wouldSignOut: 0,
      failed: 0,
      deadlineExceeded: 0,
      verified: 0,
      stillPresent: 0,
    });
    assert.deepEqual(
      result.body.sessions.map((s) => [s.hostPool, s.sessionHost, s.sessionId, s.sessionState, s.outcome]),
      [
        ["HP-Beta", "host-b1.contoso.com", "1", "Active", "signedOut"],
        ["HP-Alpha", "host-a1.contoso.com", "1", "Active", "signedOut"],
        ["HP-Alpha", "Host-A2.Contoso.com", "3", "Disconnected", "signedOut"],
        ["HP-Gamma", "host-g1.corp.contoso.com", "7", "Pending", "signedOut"],
      ],
    );
    const deletes = harness.emulator.calls().filter((call) => call.operation === "deleteUserSession");
    assert.equal(deletes.length, 4, "each session is deleted exactly once");
    assert.ok(deletes.every((call) => call.query.force === "true"));
    const calls = harness.emulator.calls();
    const alphaPages = calls.filter((call) => call.operation === "listUserSessions" && call.hostPool === "HP-Alpha");
    assert.ok(alphaPages.length >= 2, "HP-Alpha's sessions came in several pages");
    const poolPages = calls.filter(
      (call) => call.operation === "listHostPools" && call.subscriptionId === subscriptionA,
    );
    assert.ok(poolPages.length >= 2, "subscription A's host pools came in several pages");
    assert.equal(harness.emulator.calls().filter((call) => call.operation === "listSessionHosts").length, 0);
  });

  it("makes exactly S + H + k ARM calls, and S + H for a dry run", async () => {
    load(tenantScenario({ paged: false }));
    const handler = harness.handler();
    const dry = await harness.post(handler, { userPrincipalName: "alice@contoso.com", dryRun: true });
    assert.equal(dry.status, 200);
    assert.equal(harness.emulator.calls().length, 2 + 4);
    assert.deepEqual(harness.remaining(), [...everyoneButAlice, ...aliceSessions].sort());

    harness.emulator.clearCalls();
    const real = await harness.post(handler, { userPrincipalName: "alice@contoso.com" });
    assert.equal(real.status, 200);
    const calls = harness.emulator.calls();
    assert.equal(calls.length, 2 + 4 + 4);
    assert.deepEqual(
      calls.map((call) => call.operation).sort(),
      [
        ...Array<string>(2).fill("listHostPools"),
        ...Array<string>(4).fill("listUserSessions"),
        ...Array<string>(4).fill("deleteUserSession"),
      ].sort(),
    );
  });

  it("reports a dry run with every session it would sign out and changes nothing", async () => {
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com", dryRun: true });
    assert.equal(result.status, 200);
    assert.equal(result.body.dryRun, true);
    assert.equal(result.body.counts.wouldSignOut, 4);
    assert.equal(result.body.counts.signedOut, 0);
    assert.ok(result.body.sessions.every((s) => s.outcome === "wouldSignOut"));
    assert.deepEqual(harness.remaining(), [...everyoneButAlice, ...aliceSessions].sort());
    assert.ok(harness.emulator.calls().every((call) => call.method === "GET"));
  });

  it("matches the UPN in any case and misses none of the user's sessions", async () => {
    const result = await harness.post(harness.handler(), { userPrincipalName: "  ALICE@contoso.COM " });
    assert.equal(result.status, 200);
    assert.equal(result.body.userPrincipalName, "ALICE@contoso.COM");
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });

  it("never touches a look-alike UPN's session", async () => {
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com.evil" });
    assert.equal(result.status, 200);
    assert.equal(result.body.counts.sessionsFound, 0);
    assert.deepEqual(harness.remaining(), [...everyoneButAlice, ...aliceSessions].sort());
  });

  it("signs out a UPN with an apostrophe and only that user", async () => {
    const result = await harness.post(harness.handler(), { userPrincipalName: "O'Brien@contoso.com" });
    assert.equal(result.status, 200);
    assert.equal(result.body.counts.signedOut, 1);
    assert.deepEqual(
      harness.remaining(),
      [...everyoneButAlice, ...aliceSessions].filter((s) => !s.includes("o'brien")).sort(),
    );
  });

  it("rejects an OData injection attempt with 400 and makes no Azure call", async () => {
    const result = await harness.post(harness.handler(), { userPrincipalName: "x' or userPrincipalName ne 'x" });
    assert.equal(result.status, 400);
    assert.equal(result.body.error?.code, "ValidationError");
    assert.equal(harness.emulator.calls().length, 0);
    assert.deepEqual(harness.remaining(), [...everyoneButAlice, ...aliceSessions].sort());
  });

  it("rejects each kind of bad input with 400 and makes no Azure call", async () => {
    const handler = harness.handler();
    for (const body of [
      "",
      "not json",
      "[]",
      "{}",
      '{"userPrincipleName":"alice@contoso.com"}',
      '{"userPrincipalName":"alice"}',
    ]) {
      const result = await harness.post(handler, body);
      assert.equal(result.status, 400, body);
    }
    assert.equal(harness.emulator.calls().length, 0);
    assert.equal(harness.emulator.tokenRequests().length, 0);
    assert.deepEqual(harness.remaining(), [...everyoneButAlice, ...aliceSessions].sort());
  });

  it("is idempotent: a second call finds nothing left and answers 200", async () => {
    const handler = harness.handler();
    assert.equal((await harness.post(handler, { userPrincipalName: "alice@contoso.com" })).status, 200);
    const second = await harness.post(handler, { userPrincipalName: "alice@contoso.com" });
    assert.equal(second.status, 200);
    assert.equal(second.body.counts.sessionsFound, 0);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });

  it("reads the camel-case ids of the REST specification as well as the live lower-case ones", async () => {
    load({ ...tenantScenario(), idStyle: "spec" });
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.equal(result.status, 200);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });
});

describe("failures upstream", () => {
  it("keeps signing out other subscriptions when one answers 403, then answers 502 with the report", async () => {
    load(tenantWithForbiddenSubscription());
    const result = await harness.post(
      harness.handler({ AVD_SUBSCRIPTION_IDS: [subscriptionA, subscriptionB, subscriptionForbidden].join(";") }),
      {
        userPrincipalName: "alice@contoso.com",
      },
    );
    assert.equal(result.status, 502);
    assert.equal(result.body.status, "failed");
    assert.deepEqual(harness.remaining(), everyoneButAlice);
    assert.deepEqual(
      result.body.errors.map((e) => [e.scope, e.subscriptionId, e.code, e.statusCode]),
      [["subscription", subscriptionForbidden, "AuthorizationFailed", 403]],
    );
    assert.ok(result.logs.some((line) => line.startsWith("warning") && line.includes("AuthorizationFailed")));
    assert.doesNotMatch(JSON.stringify(result.body), /Bearer|stack|at [A-Za-z]+ \(/);
  });

  it("retries a failing listing past the SDK's default three retries while the deadline allows", async () => {
    load({
      ...tenantScenario(),
      faults: [
        {
          match: { operation: "listUserSessions", hostPool: "HP-Beta" },
          status: 500,
          code: "InternalServerError",
          count: 6,
        },
      ],
    });
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.equal(result.status, 200);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
    const betaListings = harness.emulator
      .calls()
      .filter((call) => call.operation === "listUserSessions" && call.hostPool === "HP-Beta");
    assert.equal(betaListings.filter((call) => call.status === 500).length, 6);
  });

  it("keeps going when one host pool's listing fails, and a retry finishes the job", async () => {
    load({
      ...tenantScenario(),
      faults: [
        {
          match: { operation: "listUserSessions", hostPool: "HP-Beta" },
          status: 403,
          code: "AuthorizationFailed",
          count: 1,
        },
      ],
    });
    const handler = harness.handler();
    const first = await harness.post(handler, { userPrincipalName: "alice@contoso.com" });
    assert.equal(first.status, 502);
    assert.deepEqual(
      first.body.errors.map((e) => [e.scope, e.hostPool, e.code]),
      [["hostPool", "HP-Beta", "AuthorizationFailed"]],
    );
    assert.deepEqual(
      harness.remaining(),
      [...everyoneButAlice, "11111111/HP-Beta/host-b1.contoso.com/1 Alice@Contoso.com"].sort(),
    );

    const retry = await harness.post(handler, { userPrincipalName: "alice@contoso.com" });
    assert.equal(retry.status, 200);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });

  it("reports a failed delete per session without stopping the others", async () => {
    load({
      ...tenantScenario(),
      faults: [
        {
          match: { operation: "deleteUserSession", sessionId: "7" },
          status: 409,
          code: "Conflict",
          message: "Session is busy",
        },
      ],
    });
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.equal(result.status, 502);
    assert.equal(result.body.counts.signedOut, 3);
    assert.equal(result.body.counts.failed, 1);
    const failed = result.body.sessions.find((s) => s.outcome === "failed");
    assert.equal(failed?.sessionId, "7");
    assert.equal(failed?.error?.code, "Conflict");
    assert.deepEqual(
      harness.remaining(),
      [...everyoneButAlice, "22222222/HP-Gamma/host-g1.corp.contoso.com/7 alice@contoso.com"].sort(),
    );
  });

  it("waits out a 429 with Retry-After through the SDK pipeline and finishes", async () => {
    load({
      ...tenantScenario(),
      faults: [
        {
          match: { operation: "listUserSessions", hostPool: "HP-Gamma" },
          status: 429,
          code: "TooManyRequests",
          retryAfterSeconds: 1,
          count: 1,
        },
      ],
    });
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.equal(result.status, 200);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
    const gamma = harness.emulator
      .calls()
      .filter((c) => c.operation === "listUserSessions" && c.hostPool === "HP-Gamma");
    assert.deepEqual(
      gamma.map((c) => c.status),
      [429, 200],
    );
    assert.ok(gamma[1]!.startedAtMs - gamma[0]!.endedAtMs >= 900, "the retry waited for Retry-After");
  });

  it("counts a session whose delete answers 404 as already gone, and one answering 204 as signed out", async () => {
    const scenario = tenantScenario();
    const [subA] = scenario.subscriptions;
    const alpha = subA!.hostPools![0]!;
    alpha.sessionHosts![0]!.sessions![0] = {
      id: "1",
      userPrincipalName: "alice@contoso.com",
      sessionState: "Active",
      vanishesBeforeDelete: 404,
    };
    alpha.sessionHosts![1]!.sessions![0] = {
      id: "3",
      userPrincipalName: "alice@contoso.com",
      sessionState: "Disconnected",
      vanishesBeforeDelete: 204,
    };
    load(scenario);
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.equal(result.status, 200);
    // Live, a 204 answers the delete of a session that was there: it says "gone now", not "was never there".
    assert.equal(result.body.counts.alreadyGone, 1);
    assert.equal(result.body.counts.signedOut, 3);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });

  it("answers 504 with a partial report when the deadline is reached, and a retry finishes", async () => {
    const clock = createManualClock();
    const gate = harness.emulator.gate({ operation: "listUserSessions", hostPool: "HP-Gamma" });
    const runtime = harness.runtime({ AVD_DEADLINE_SECONDS: "10" }, clock);
    const pending = harness.post(harness.handlerFor(runtime), { userPrincipalName: "alice@contoso.com" });
    await openScan(clock);
    await gate.arrived();
    const aliceLeft = (): number =>
      harness.emulator.sessions().filter((s) => s.userPrincipalName.toLowerCase() === "alice@contoso.com").length;
    // Done in the other host pools: their deletes answered and nothing but HP-Gamma's listing in flight.
    await eventually(() => aliceLeft() === 1 && runtime.armBudget.inFlight === 1, "the other host pools are done");
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(10_000);
    const result = await pending;
    gate.release();
    assert.equal(result.status, 504);
    assert.equal(result.body.status, "deadlineExceeded");
    assert.deepEqual(
      result.body.errors.map((e) => [e.scope, e.hostPool, e.code]),
      [["hostPool", "HP-Gamma", "DeadlineExceeded"]],
    );
    assert.equal(result.body.counts.signedOut, 3);
    assert.deepEqual(
      harness.remaining(),
      [...everyoneButAlice, "22222222/HP-Gamma/host-g1.corp.contoso.com/7 alice@contoso.com"].sort(),
    );

    const retry = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.equal(retry.status, 200);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });
});

describe("the opt-in server-side filter", () => {
  it("sends the UPN as an escaped OData literal and still checks every session on the client", async () => {
    const scenario = tenantScenario();
    scenario.subscriptions[0]!.hostPools![1]!.ignoresFilter = true;
    load(scenario);
    const result = await harness.post(harness.handler({ AVD_SERVER_SIDE_FILTER: "true" }), {
      userPrincipalName: "o'brien@contoso.com",
    });
    assert.equal(result.status, 200);
    const filters = harness.emulator
      .calls()
      .filter((c) => c.operation === "listUserSessions" && c.query.$filter !== undefined)
      .map((c) => c.query.$filter);
    assert.ok(filters.length >= 4);
    assert.ok(filters.every((f) => f === "userPrincipalName eq 'o''brien@contoso.com'"));
    assert.deepEqual(
      harness.remaining(),
      [...everyoneButAlice, ...aliceSessions].filter((s) => !s.includes("o'brien")).sort(),
    );
  });

  it("never deletes another user's session from a host pool that ignores $filter", async () => {
    const scenario = tenantScenario();
    for (const pool of scenario.subscriptions.flatMap((s) => s.hostPools ?? [])) pool.ignoresFilter = true;
    load(scenario);
    const result = await harness.post(harness.handler({ AVD_SERVER_SIDE_FILTER: "true" }), {
      userPrincipalName: "alice@contoso.com",
    });
    assert.equal(result.status, 200);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });

  it("keeps a quote-laden UPN one literal, so it cannot widen the match", async () => {
    const scenario = tenantScenario();
    scenario.subscriptions[1]!.hostPools![1]!.sessionHosts![0]!.sessions!.push({
      id: "2",
      userPrincipalName: "x'or'1'eq'1@contoso.com",
      sessionState: "Active",
    });
    load(scenario);
    const result = await harness.post(harness.handler({ AVD_SERVER_SIDE_FILTER: "true" }), {
      userPrincipalName: "x'or'1'eq'1@contoso.com",
    });
    assert.equal(result.status, 200);
    assert.equal(result.body.counts.signedOut, 1);
    assert.deepEqual(harness.remaining(), [...everyoneButAlice, ...aliceSessions].sort());
  });
});

describe("configuration errors", () => {
  for (const [settings, setting] of [
    [{ AVD_SUBSCRIPTION_IDS: "" }, "AVD_SUBSCRIPTION_IDS"],
    [{ AVD_SUBSCRIPTION_IDS: "prod-subscription" }, "AVD_SUBSCRIPTION_IDS"],
    [{ AZURE_CLIENT_ID: "not-a-guid" }, "AZURE_CLIENT_ID"],
    [{ AZURE_CLOUD: "AzureGermany" }, "AZURE_CLOUD"],
    [{ AZURE_RESOURCE_MANAGER_ENDPOINT: "http://127.0.0.1:1" }, "AZURE_RESOURCE_MANAGER_ENDPOINT"],
    [{ AVD_ARM_MAX_SOCKETS: "0" }, "AVD_ARM_MAX_SOCKETS"],
    [{ AVD_DEADLINE_SECONDS: "-1" }, "AVD_DEADLINE_SECONDS"],
    [{ AVD_SERVER_SIDE_FILTER: "yes please" }, "AVD_SERVER_SIDE_FILTER"],
    [{ IDENTITY_HEADER: "" }, "IDENTITY_HEADER"],
  ] as const) {
    it(`answers 500 ConfigurationError naming ${setting} (${JSON.stringify(settings)}) and touches nothing`, async () => {
      const result = await harness.post(harness.handler(settings), { userPrincipalName: "alice@contoso.com" });
      assert.equal(result.status, 500);
      assert.equal(result.body.error?.code, "ConfigurationError");
      assert.equal(result.body.error?.setting, setting);
      assert.match(result.body.error?.message ?? "", new RegExp(setting));
      assert.equal(harness.emulator.calls().length, 0);
      assert.deepEqual(harness.remaining(), [...everyoneButAlice, ...aliceSessions].sort());
    });
  }
});
