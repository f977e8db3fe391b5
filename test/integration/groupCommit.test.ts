import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { SignOutOrder } from "../../src/lib/engine/signOutOrder";
import type { SignOutReport } from "../../src/lib/engine/report/signOutReport";
import { createManualClock, eventually } from "../support/manualClock";
import { startSignOutHarness, type SignOutHarness } from "./signOutHarness";
import { everyoneButAlice, subscriptionA, subscriptionB, tenantScenario } from "./tenantScenario";

let harness: SignOutHarness;
before(async () => {
  harness = await startSignOutHarness(tenantScenario());
});
after(() => harness.close());
beforeEach(() => harness.emulator.load(tenantScenario()));

function job(userPrincipalName: string, overrides: Partial<SignOutOrder> = {}): SignOutOrder {
  return {
    operationId: `op-${userPrincipalName}`,
    users: [{ userPrincipalName }],
    batch: false,
    mode: "logoff",
    dryRun: false,
    gracePeriodMs: 0,
    subscriptionIds: [subscriptionA, subscriptionB],
    ...overrides,
  };
}

const live = (): { abortSignal: AbortSignal } => ({ abortSignal: new AbortController().signal });

/** Listing calls by operation and host pool, to compare scans. */
function listingCalls(): string[] {
  return harness.emulator
    .calls()
    .filter((call) => call.method === "GET")
    .map((call) => `${call.operation} ${call.subscriptionId?.slice(0, 8) ?? ""} ${call.hostPool ?? ""}`)
    .sort();
}

/**
 * A first request whose scan is held at HP-Gamma's listing: requests made meanwhile must wait for
 * the next scan. Resolves once the held listing has reached the emulator.
 */
async function startBlockedScan(runtime: ReturnType<SignOutHarness["runtime"]>, advance: () => void) {
  const gate = harness.emulator.gate({ operation: "listUserSessions", hostPool: "HP-Gamma" });
  const blocker = runtime.signOut(job("dave@contoso.com", { dryRun: true }), live());
  advance();
  await gate.arrived();
  return { gate, blocker };
}

describe("group commit: concurrent requests share scans", () => {
  it("serves a request that arrives while a scan is listing by the next scan, never by the running one", async () => {
    const clock = createManualClock();
    const runtime = harness.runtime({}, clock);
    const gate = harness.emulator.gate({ operation: "listUserSessions", hostPool: "HP-Gamma" });
    const first = runtime.signOut(job("alice@contoso.com"), live());
    clock.advance(25);
    await gate.arrived();
    // Scan 1 has listed HP-Delta already (only HP-Gamma is held); bob now opens a second session there.
    const deltaListed = (): boolean =>
      harness.emulator.calls().some((call) => call.operation === "listUserSessions" && call.hostPool === "HP-Delta");
    await eventually(deltaListed, "scan 1 to list HP-Delta");
    const newSession = harness.emulator.signIn("HP-Delta", "bob@contoso.com");
    // Served by scan 1 it would wait for scan 1 too, so only what the next scan lists tells (below).
    const second = runtime.signOut(job("bob@contoso.com"), live());
    gate.release();
    const [alice, bob] = await Promise.all([first, second]);
    assert.equal(alice.status, "completed");
    assert.equal(bob.status, "completed");
    // Served by scan 1's listing, bob's new session would have survived.
    assert.ok(bob.sessions.some((session) => session.hostPool === "HP-Delta" && session.sessionId === newSession));
    assert.deepEqual(
      harness.emulator.sessions().filter((s) => /^(?:alice|bob)@contoso\.com$/i.test(s.userPrincipalName)),
      [],
    );
    const deltaListings = harness.emulator
      .calls()
      .filter((call) => call.operation === "listUserSessions" && call.hostPool === "HP-Delta");
    assert.equal(deltaListings.length, 2, "one listing of HP-Delta per scan");
  });

  it("lists host pools once per subscription and sessions once per host pool for every request of a scan", async () => {
    const alone = harness.runtime({}, undefined);
    await alone.signOut(job("nobody@contoso.com", { dryRun: true }), live());
    const oneScan = listingCalls();
    harness.emulator.load(tenantScenario());

    const clock = createManualClock();
    const runtime = harness.runtime({}, clock);
    const { gate, blocker } = await startBlockedScan(runtime, () => clock.advance(25));
    const users = ["alice@contoso.com", "bob@contoso.com", "carol@contoso.com", "o'brien@contoso.com"];
    const requests = users.map((upn) => runtime.signOut(job(upn), live()));
    gate.release();
    const reports = await Promise.all([blocker, ...requests]);
    assert.ok(reports.every((report) => report.status === "completed"));
    // Two scans (the blocker's and the one the four shared), each exactly one scan's listings.
    assert.deepEqual(listingCalls(), [...oneScan, ...oneScan].sort());
    assert.deepEqual(
      harness.emulator
        .sessions()
        .map((s) => s.userPrincipalName)
        .sort(),
      ["alice@contoso.com.evil.example", "dave@contoso.com"],
    );
  });

  it("answers each request of a shared scan with its own users, mode, dry run and notification only", async () => {
    const clock = createManualClock();
    const runtime = harness.runtime({}, clock);
    const { gate, blocker } = await startBlockedScan(runtime, () => clock.advance(25));
    const notice = { title: "Heads up", message: "You will be disconnected." };
    const requests: Array<Promise<SignOutReport>> = [
      runtime.signOut(job("alice@contoso.com", { dryRun: true }), live()),
      runtime.signOut(job("bob@contoso.com", { mode: "disconnect", notify: notice }), live()),
      runtime.signOut(job("carol@contoso.com"), live()),
    ];
    gate.release();
    const [, alice, bob, carol] = await Promise.all([blocker, ...requests]);
    assert.deepEqual(
      alice!.sessions.map((s) => [s.hostPool, s.outcome]),
      [
        ["HP-Beta", "wouldSignOut"],
        ["HP-Alpha", "wouldSignOut"],
        ["HP-Alpha", "wouldSignOut"],
        ["HP-Gamma", "wouldSignOut"],
      ],
    );
    assert.ok(bob!.sessions.every((s) => s.userPrincipalName === "bob@contoso.com" && s.outcome === "disconnected"));
    assert.deepEqual(bob!.notifications, { sent: 2, failed: 0, notShown: 0, wouldSend: 0 });
    assert.deepEqual(
      carol!.sessions.map((s) => [s.userPrincipalName, s.outcome]),
      [["carol@contoso.com", "signedOut"]],
    );
    assert.equal(carol!.notifications, undefined);
    const left = harness.emulator.sessions();
    assert.equal(left.filter((s) => s.userPrincipalName === "alice@contoso.com").length, 3, "dry run touched nothing");
    assert.ok(
      left.filter((s) => s.userPrincipalName === "bob@contoso.com").every((s) => s.sessionState === "Disconnected"),
    );
    assert.ok(left.filter((s) => s.userPrincipalName !== "bob@contoso.com").every((s) => s.messages.length === 0));
    assert.equal(left.filter((s) => s.userPrincipalName === "carol@contoso.com").length, 0);
  });

  it("answers a request whose deadline passes while it waits for its scan with nothing touched, and serves the others", async () => {
    const clock = createManualClock();
    const runtime = harness.runtime({}, clock);
    const { gate, blocker } = await startBlockedScan(runtime, () => clock.advance(25));
    const deadline = new AbortController();
    const late = runtime.signOut(job("alice@contoso.com"), { abortSignal: deadline.signal });
    const onTime = runtime.signOut(job("bob@contoso.com"), live());
    deadline.abort();
    const lateReport = await late;
    assert.equal(lateReport.status, "deadlineExceeded");
    assert.equal(lateReport.counts.sessionsFound, 0);
    assert.ok(
      lateReport.errors.every(
        (error) => error.code === "DeadlineExceeded" && /nothing was touched/.test(error.message),
      ),
    );
    gate.release();
    const [, bob] = await Promise.all([blocker, onTime]);
    assert.equal(bob.status, "completed");
    assert.equal(harness.emulator.sessions().filter((s) => s.userPrincipalName === "alice@contoso.com").length, 3);
    assert.equal(harness.emulator.sessions().filter((s) => s.userPrincipalName === "bob@contoso.com").length, 0);
    assert.ok(harness.emulator.calls().every((call) => call.method === "GET" || !/alice/i.test(JSON.stringify(call))));
  });

  it("answers a bad request and an unauthorized caller at once while a scan is running, and the scan's requests finish", async () => {
    const settings = { WEBSITE_AUTH_ENABLED: "True", REQUIRED_CALLER_ROLE: "AvdSignout.Operator" };
    const handler = harness.handler(settings);
    const gate = harness.emulator.gate({ operation: "listUserSessions", hostPool: "HP-Gamma" });
    const operator = {
      "x-ms-client-principal": Buffer.from(
        JSON.stringify({ auth_typ: "aad", claims: [{ typ: "roles", val: "AvdSignout.Operator" }] }),
      ).toString("base64"),
      "x-ms-client-principal-id": "00000000-0000-4000-8000-000000000001",
      "x-ms-client-principal-name": "flow@contoso.com",
      "x-ms-client-principal-idp": "aad",
    };
    const good = harness.post(handler, { userPrincipalName: "alice@contoso.com" }, operator);
    await gate.arrived();
    const bad = await harness.post(handler, { userPrincipleName: "bob@contoso.com" }, operator);
    const unauthorized = await harness.post(handler, { userPrincipalName: "bob@contoso.com" });
    assert.equal(bad.status, 400);
    assert.equal(unauthorized.status, 403);
    assert.equal(gate.held(), 1, "both were answered while the scan was still listing");
    gate.release();
    const done = await good;
    assert.equal(done.status, 200);
    assert.deepEqual(
      harness.emulator
        .sessions()
        .map((s) => `${s.hostPool}/${s.sessionId} ${s.userPrincipalName}`)
        .filter((s) => /bob/.test(s)).length,
      2,
    );
    assert.ok(everyoneButAlice.length > 0);
  });
});
