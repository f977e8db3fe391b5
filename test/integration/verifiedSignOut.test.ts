import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { ArmCallRecord } from "../../emulator/emulatorEngine";
import type { Scenario } from "../../emulator/scenario";
import { verifyBackoffMs } from "../../src/lib/engine/verifySessions";
import { createManualClock, eventually, settle as settleOn, type ManualClock } from "../support/manualClock";
import { startSignOutHarness, type CallResult, type SignOutHarness } from "./signOutHarness";
import { aliceSessions, everyoneButAlice, subscriptionA, tenantScenario } from "./tenantScenario";

let harness: SignOutHarness;
/** The emulator's clock runs this far ahead of real time: it follows the test's manual clocks. */
let emulatorAheadMs = 0;

before(async () => {
  harness = await startSignOutHarness(tenantScenario({ paged: false }), { now: () => Date.now() + emulatorAheadMs });
});
after(() => harness.close());
beforeEach(() => harness.emulator.load(tenantScenario({ paged: false })));

/** A request runs beside its deadline's sleep. */
const settle = <T>(clock: ManualClock, work: Promise<T>): Promise<T> => settleOn(clock, work, 1);

/** A manual clock for the app that moves the emulator's clock (the listing lag) with it. */
function sharedClock(): ManualClock {
  const clock = createManualClock();
  return {
    ...clock,
    advance(ms) {
      emulatorAheadMs += ms;
      clock.advance(ms);
    },
  };
}

/** alice's sessions (see tenantScenario): HP-Alpha 1 (Active) and 3 (Disconnected), HP-Beta 1 (Active), HP-Gamma 7 (Pending). */
function tenant(options: { stuck?: { hostPool: string; sessionId: string }; listingLagMs?: number } = {}): Scenario {
  const scenario = tenantScenario({ paged: false });
  return {
    ...scenario,
    ...(options.listingLagMs === undefined ? {} : { listingLagMs: options.listingLagMs }),
    subscriptions: scenario.subscriptions.map((subscription) => ({
      ...subscription,
      hostPools: (subscription.hostPools ?? []).map((pool) => ({
        ...pool,
        sessionHosts: (pool.sessionHosts ?? []).map((host) => ({
          ...host,
          sessions: (host.sessions ?? []).map((session) =>
            pool.name === options.stuck?.hostPool && session.id === options.stuck.sessionId
              ? { ...session, stuck: true as const }
              : session,
          ),
        })),
      })),
    })),
  };
}

const sessionListings = (calls: readonly ArmCallRecord[], hostPool: string): ArmCallRecord[] =>
  calls.filter((call) => call.operation === "listUserSessions" && call.hostPool === hostPool);

function outcomes(result: CallResult): string[] {
  return result.body.sessions.map(
    (session) =>
      `${session.hostPool}/${session.sessionId} ${session.outcome}${session.verified === true ? " verified" : ""}`,
  );
}

/** How many listings verification makes of a session that never leaves, over a window: its back-off schedule. */
function listingsOverWindow(windowMs: number): number {
  let listings = 1;
  let elapsed = 0;
  let wait: number = verifyBackoffMs.first;
  while (elapsed < windowMs) {
    elapsed += Math.min(wait, windowMs - elapsed);
    listings++;
    wait = Math.min(wait * 2, verifyBackoffMs.max);
  }
  return listings;
}

describe("verified sign-out (verify: true)", () => {
  it("lists again only the host pools it acted in, after acting, and marks every session it confirmed gone", async () => {
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com", verify: true });
    assert.equal(result.status, 200);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
    assert.deepEqual(outcomes(result), [
      "HP-Beta/1 signedOut verified",
      "HP-Alpha/1 signedOut verified",
      "HP-Alpha/3 signedOut verified",
      "HP-Gamma/7 signedOut verified",
    ]);
    assert.equal(result.body.counts.verified, 4);
    assert.equal(result.body.counts.stillPresent, 0);
    assert.equal(result.body.users[0]?.counts.verified, 4);

    const calls = harness.emulator.calls();
    // S + H + k, plus one listing of each of the three pools acted in; not HP-Delta, not the host pools.
    assert.equal(calls.length, 2 + 4 + 4 + 3);
    assert.equal(calls.filter((call) => call.operation === "listHostPools").length, 2);
    for (const pool of ["HP-Alpha", "HP-Beta", "HP-Gamma"]) {
      const [first, again, ...more] = sessionListings(calls, pool);
      assert.ok(first !== undefined && again !== undefined && more.length === 0, `${pool} is listed twice`);
      const deletes = calls.filter((call) => call.operation === "deleteUserSession" && call.hostPool === pool);
      assert.ok(
        deletes.every((call) => call.seq > first.seq && call.endedAtMs <= again.startedAtMs),
        `${pool} is listed again after its deletes were answered`,
      );
    }
    assert.equal(sessionListings(calls, "HP-Delta").length, 1, "a pool where nothing was acted on is not listed again");
  });

  it("keeps exactly S + H + k ARM calls without verify, whether left out or false", async () => {
    for (const body of [
      { userPrincipalName: "alice@contoso.com" },
      { userPrincipalName: "alice@contoso.com", verify: false },
    ]) {
      harness.emulator.load(tenantScenario({ paged: false }));
      const result = await harness.post(harness.handler(), body);
      assert.equal(result.status, 200);
      assert.equal(harness.emulator.calls().length, 2 + 4 + 4);
      assert.ok(result.body.sessions.every((session) => session.verified === undefined));
      assert.equal(result.body.counts.verified, 0);
    }
  });

  it("does not verify a dry run: nothing was acted on", async () => {
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      verify: true,
      dryRun: true,
    });
    assert.equal(result.status, 200);
    assert.equal(harness.emulator.calls().length, 2 + 4);
    assert.deepEqual(harness.remaining(), [...everyoneButAlice, ...aliceSessions].sort());
  });

  it("reports a session the service kept despite a successful delete as stillPresent, answers 502, and acts on it again on retry", async () => {
    harness.emulator.load(tenant({ stuck: { hostPool: "HP-Alpha", sessionId: "1" } }));
    const clock = sharedClock();
    const handler = harness.handler({}, clock);
    const result = await settle(clock, harness.post(handler, { userPrincipalName: "alice@contoso.com", verify: true }));
    assert.equal(result.status, 502);
    assert.equal(result.body.status, "failed");
    assert.deepEqual(outcomes(result), [
      "HP-Beta/1 signedOut verified",
      "HP-Alpha/1 stillPresent",
      "HP-Alpha/3 signedOut verified",
      "HP-Gamma/7 signedOut verified",
    ]);
    const stuck = result.body.sessions.find((session) => session.outcome === "stillPresent");
    assert.equal(stuck?.error?.code, "SessionStillPresent");
    assert.equal(stuck?.upstreamStatus, 204);
    assert.equal(result.body.counts.stillPresent, 1);
    assert.equal(result.body.counts.verified, 3);
    assert.equal(result.body.users[0]?.status, "failed");
    assert.deepEqual(
      harness.remaining(),
      [...everyoneButAlice, "11111111/HP-Alpha/host-a1.contoso.com/1 alice@contoso.com"].sort(),
    );

    const calls = harness.emulator.calls();
    // Listed again with back-off over the window (30 s by default), not in a tight loop; the
    // pools confirmed at once are not listed again.
    assert.equal(sessionListings(calls, "HP-Alpha").length, 1 + listingsOverWindow(30_000));
    assert.equal(sessionListings(calls, "HP-Beta").length, 2);

    harness.emulator.clearCalls();
    const retry = await settle(clock, harness.post(handler, { userPrincipalName: "alice@contoso.com", verify: true }));
    assert.equal(retry.status, 502);
    assert.deepEqual(
      harness.emulator
        .calls()
        .filter((call) => call.operation === "deleteUserSession")
        .map((call) => `${call.hostPool}/${call.sessionId}`),
      ["HP-Alpha/1"],
    );
  });

  it("waits out a listing that lags behind the deletes, within the window, and answers 200 with every session verified", async () => {
    harness.emulator.load(tenant({ listingLagMs: 5_000 }));
    const clock = sharedClock();
    const result = await settle(
      clock,
      harness.post(harness.handler({}, clock), { userPrincipalName: "alice@contoso.com", verify: true }),
    );
    assert.equal(result.status, 200);
    assert.equal(result.body.counts.verified, 4);
    assert.equal(result.body.counts.stillPresent, 0);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
    const alpha = sessionListings(harness.emulator.calls(), "HP-Alpha");
    assert.ok(alpha.length > 2, "the first listings after the deletes still showed the sessions");
    assert.ok(alpha.length < 1 + listingsOverWindow(30_000), "verification stopped once they were gone");
  });

  it("gives up at a synchronous request's deadline when it comes before the window closes", async () => {
    harness.emulator.load(tenant({ stuck: { hostPool: "HP-Alpha", sessionId: "1" } }));
    const clock = sharedClock();
    const result = await settle(
      clock,
      harness.post(harness.handler({ AVD_DEADLINE_SECONDS: "10" }, clock), {
        userPrincipalName: "alice@contoso.com",
        verify: true,
      }),
    );
    assert.equal(result.status, 504);
    assert.deepEqual(outcomes(result), [
      "HP-Beta/1 signedOut verified",
      "HP-Alpha/1 deadlineExceeded",
      "HP-Alpha/3 signedOut verified",
      "HP-Gamma/7 signedOut verified",
    ]);
  });

  it("verifies a disconnect against the listed session state: Disconnected is verified, still connected is stillPresent", async () => {
    harness.emulator.load(tenant({ stuck: { hostPool: "HP-Gamma", sessionId: "7" }, listingLagMs: 3_000 }));
    const clock = sharedClock();
    const result = await settle(
      clock,
      harness.post(harness.handler({ AVD_VERIFY_WINDOW_SECONDS: "10" }, clock), {
        userPrincipalName: "alice@contoso.com",
        mode: "disconnect",
        verify: true,
      }),
    );
    assert.equal(result.status, 502);
    assert.deepEqual(outcomes(result), [
      "HP-Beta/1 disconnected verified",
      "HP-Alpha/1 disconnected verified",
      "HP-Alpha/3 alreadyDisconnected",
      "HP-Gamma/7 stillPresent",
    ]);
    assert.match(
      result.body.sessions.find((session) => session.outcome === "stillPresent")?.error?.message ?? "",
      /\(Pending\)/,
    );
    assert.equal(result.body.counts.verified, 2);
    assert.equal(result.body.counts.stillPresent, 1);
    const held = harness.emulator
      .sessions()
      .filter((session) => session.userPrincipalName.toLowerCase() === "alice@contoso.com");
    assert.deepEqual(held.map((session) => `${session.hostPool}/${session.sessionId} ${session.sessionState}`).sort(), [
      "HP-Alpha/1 Disconnected",
      "HP-Alpha/3 Disconnected",
      "HP-Beta/1 Disconnected",
      "HP-Gamma/7 Pending",
    ]);
    const calls = harness.emulator.calls();
    assert.ok(sessionListings(calls, "HP-Alpha").length > 2, "the lagging listing showed Active first");
    assert.equal(sessionListings(calls, "HP-Delta").length, 1);
  });

  it("shares its verification listings with a request that arrives while it waits for its scan", async () => {
    const clock = sharedClock();
    const runtime = harness.runtime({}, clock);
    const handler = harness.handlerFor(runtime);
    // carol's request (HP-Alpha alone) stays in flight through its grace period, listings done, so
    // later scans gather before they open.
    const carol = harness.post(handler, {
      userPrincipalName: "carol@contoso.com",
      hostPools: [
        `/subscriptions/${subscriptionA}/resourceGroups/RG-Avd-West/providers/Microsoft.DesktopVirtualization/hostPools/HP-Alpha`,
      ],
      notify: { title: "Maintenance", message: "You will be signed out shortly." },
      gracePeriodSeconds: 30,
    });
    await eventually(() => clock.remaining().includes(30_000), "carol's request to wait out its grace period");
    const alice = harness.post(handler, { userPrincipalName: "alice@contoso.com", verify: true });
    await eventually(() => clock.pending() >= 4, "alice to gather for her scan");
    clock.advance(10);
    const aliceDeletes = (): number =>
      harness.emulator.calls().filter((call) => call.operation === "deleteUserSession").length;
    // alice's deletes are answered and her verification waits for the next scan to gather.
    await eventually(
      () => aliceDeletes() === 4 && clock.pending() >= 4,
      () => `alice's verification to wait for its scan (${aliceDeletes()} deletes, ${clock.remaining().join(", ")})`,
    );
    const bob = harness.post(handler, { userPrincipalName: "bob@contoso.com" });
    await eventually(() => clock.pending() >= 5, "bob to join the same scan");
    clock.advance(10);
    const [aliceResult, bobResult] = await Promise.all([alice, bob]);
    assert.equal(aliceResult.status, 200);
    assert.equal(aliceResult.body.counts.verified, 4);
    assert.equal(bobResult.status, 200);
    clock.advance(30_000);
    assert.equal((await carol).status, 200);
    const calls = harness.emulator.calls();
    for (const pool of ["HP-Alpha", "HP-Beta", "HP-Gamma", "HP-Delta"]) {
      assert.equal(
        sessionListings(calls, pool).length,
        pool === "HP-Alpha" ? 3 : 2,
        `${pool}: carol's scan (HP-Alpha), alice's, then one listing for alice's verification and bob`,
      );
    }
  });
});
