import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Scenario } from "../../emulator/scenario";
import { createManualClock, eventually, openScan } from "../support/manualClock";
import { startSignOutHarness, type SignOutHarness } from "./signOutHarness";
import { aliceSessions, everyoneButAlice, subscriptionA, subscriptionB, tenantScenario } from "./tenantScenario";

let harness: SignOutHarness;

before(async () => {
  harness = await startSignOutHarness(tenantScenario());
});
after(() => harness.close());

function load(scenario: Scenario): void {
  harness.emulator.load(scenario);
}

beforeEach(() => load(tenantScenario({ paged: false })));

const everyone = [...everyoneButAlice, ...aliceSessions].sort();
const notice = { title: "Maintenance", message: "Please save your work.\nYou will be signed out shortly." };

/** `hostPool/sessionId upn state [messages]` for every session, to compare emulator state. */
function states(): string[] {
  return harness.emulator
    .sessions()
    .map((s) => `${s.hostPool}/${s.sessionId} ${s.userPrincipalName} ${s.sessionState} ${s.messages.length}`)
    .sort();
}

function principalHeader(claims: Array<{ typ: string; val: string }>, roleType = "roles"): Record<string, string> {
  const principal = { auth_typ: "aad", name_typ: "name", role_typ: roleType, claims };
  return { "x-ms-client-principal": Buffer.from(JSON.stringify(principal)).toString("base64") };
}

describe("mode disconnect", () => {
  it("disconnects the user's connected sessions, keeps every session, and changes no one else's", async () => {
    const before = states();
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      mode: "disconnect",
    });
    assert.equal(result.status, 200);
    assert.equal(result.body.mode, "disconnect");
    assert.deepEqual(harness.remaining(), everyone, "no session was removed");
    const changed = states().filter((line) => !before.includes(line));
    assert.deepEqual(changed, [
      "HP-Alpha/1 alice@contoso.com Disconnected 0",
      "HP-Beta/1 Alice@Contoso.com Disconnected 0",
      "HP-Gamma/7 alice@contoso.com Disconnected 0",
    ]);
    const calls = harness.emulator.calls();
    assert.equal(calls.filter((c) => c.operation === "deleteUserSession").length, 0);
    assert.equal(calls.filter((c) => c.operation === "disconnectUserSession").length, 3);
    assert.equal(result.body.counts.disconnected, 3);
    assert.equal(result.body.counts.alreadyDisconnected, 1, "the session already disconnected is not called again");
    assert.equal(result.body.counts.signedOut, 0);
  });

  it("reports what it would disconnect in a dry run and posts nothing", async () => {
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      mode: "disconnect",
      dryRun: true,
    });
    assert.equal(result.status, 200);
    assert.equal(result.body.counts.wouldDisconnect, 3);
    assert.ok(harness.emulator.calls().every((c) => c.method === "GET"));
    assert.deepEqual(harness.remaining(), everyone);
  });

  it("keeps the logoff report's shape: mode logoff by default and no disconnect counts", async () => {
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.equal(result.body.mode, "logoff");
    assert.equal(result.body.userPrincipalName, "alice@contoso.com");
    assert.equal("disconnected" in result.body.counts, false);
    assert.equal(result.body.users.length, 1);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });
});

describe("notify first", () => {
  it("messages each Active session of the user exactly once and no one else; other states are not notified", async () => {
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      mode: "disconnect",
      notify: notice,
    });
    assert.equal(result.status, 200);
    const messaged = harness.emulator.sessions().filter((s) => s.messages.length > 0);
    assert.deepEqual(
      messaged.map((s) => [s.hostPool, s.sessionId, s.userPrincipalName, s.messages.length]),
      [
        ["HP-Alpha", "1", "alice@contoso.com", 1],
        ["HP-Beta", "1", "Alice@Contoso.com", 1],
      ],
    );
    for (const session of messaged) {
      assert.equal(session.messages[0]!.messageTitle, notice.title);
      assert.equal(session.messages[0]!.messageBody, notice.message);
    }
    assert.deepEqual(result.body.notifications, { sent: 2, failed: 0, notShown: 2, wouldSend: 0 });
    assert.deepEqual(
      result.body.sessions.map((s) => [s.hostPool, s.sessionId, s.sessionState, s.notification]),
      [
        ["HP-Beta", "1", "Active", "sent"],
        ["HP-Alpha", "1", "Active", "sent"],
        ["HP-Alpha", "3", "Disconnected", "notShown"],
        ["HP-Gamma", "7", "Pending", "notShown"],
      ],
    );
  });

  it("waits the grace period between the message and the logoff in each host pool", async () => {
    const clock = createManualClock();
    const pending = harness.post(harness.handler({}, clock), {
      userPrincipalName: "alice@contoso.com",
      notify: notice,
      gracePeriodSeconds: 30,
    });
    const sent = (): number => harness.emulator.sessions().reduce((sum, s) => sum + s.messages.length, 0);
    await openScan(clock);
    const waitingOutGrace = (): number => clock.remaining().filter((ms) => ms === 30_000).length;
    await eventually(
      () => sent() === 2 && waitingOutGrace() === 2,
      () => `both messages sent (${sent()}), both pools waiting (${waitingOutGrace()})`,
    );
    const deletes = (): number => harness.emulator.calls().filter((c) => c.operation === "deleteUserSession").length;
    assert.equal(deletes(), 1, "a host pool without a delivered message (HP-Gamma) does not wait");
    clock.advance(29_999);
    assert.equal(
      clock.remaining().filter((ms) => ms === 1).length,
      2,
      "both pools still wait out the grace period's last millisecond",
    );
    assert.equal(deletes(), 1, "nothing is touched before the grace period ends");
    clock.advance(1);
    const result = await pending;
    assert.equal(result.status, 200);
    assert.equal(result.body.gracePeriodSeconds, 30);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
    const calls = harness.emulator.calls();
    for (const hostPool of ["HP-Alpha", "HP-Beta"]) {
      const messages = calls.filter((c) => c.operation === "sendMessage" && c.hostPool === hostPool);
      const poolDeletes = calls.filter((c) => c.operation === "deleteUserSession" && c.hostPool === hostPool);
      assert.equal(messages.length, 1);
      assert.ok(
        poolDeletes.every((d) => messages.every((m) => d.seq > m.seq)),
        `${hostPool} messaged first`,
      );
    }
  });

  it("signs out anyway when a message fails to send, and reports the failure", async () => {
    load({
      ...tenantScenario({ paged: false }),
      faults: [{ match: { operation: "sendMessage" }, status: 409, code: "SessionHostNotReady" }],
    });
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com", notify: notice });
    assert.equal(result.status, 200);
    assert.equal(result.body.status, "completed");
    assert.deepEqual(harness.remaining(), everyoneButAlice);
    assert.deepEqual(result.body.notifications, { sent: 0, failed: 2, notShown: 2, wouldSend: 0 });
    const failed = result.body.sessions.filter((s) => s.notification === "failed");
    assert.ok(failed.every((s) => s.notificationError?.code === "SessionHostNotReady" && s.outcome === "signedOut"));
    assert.equal(result.logs.filter((line) => line.includes("userSignout.notifyFailure")).length, 2);
  });

  it("gives up on a message that keeps failing after 10 s and signs out anyway", async () => {
    load({
      ...tenantScenario({ paged: false }),
      faults: [{ match: { operation: "sendMessage" }, status: 500, code: "InternalServerError" }],
    });
    const clock = createManualClock();
    const pending = harness.post(harness.handler({}, clock), {
      userPrincipalName: "alice@contoso.com",
      notify: notice,
    });
    await openScan(clock);
    const attempts = (): number => harness.emulator.calls().filter((c) => c.operation === "sendMessage").length;
    await eventually(() => attempts() >= 4, "the pipeline retries the failing message");
    assert.equal(harness.emulator.calls().filter((c) => c.method === "DELETE" && c.hostPool !== "HP-Gamma").length, 0);
    clock.advance(10_000);
    const result = await pending;
    assert.equal(result.status, 200);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
    assert.deepEqual(result.body.notifications, { sent: 0, failed: 2, notShown: 2, wouldSend: 0 });
  });

  it("sends nothing in a dry run", async () => {
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      notify: notice,
      gracePeriodSeconds: 30,
      dryRun: true,
    });
    assert.equal(result.status, 200);
    assert.deepEqual(result.body.notifications, { sent: 0, failed: 0, notShown: 2, wouldSend: 2 });
    assert.equal(harness.emulator.calls().filter((c) => c.operation === "sendMessage").length, 0);
    assert.ok(harness.emulator.sessions().every((s) => s.messages.length === 0));
  });

  it("rejects a grace period that does not fit the deadline, or has no message, with 400 and no call", async () => {
    const tooLong = await harness.post(harness.handler({ AVD_DEADLINE_SECONDS: "40" }), {
      userPrincipalName: "alice@contoso.com",
      notify: notice,
      gracePeriodSeconds: 11,
    });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.body.error?.message ?? "", /gracePeriodSeconds/);
    const alone = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      gracePeriodSeconds: 5,
    });
    assert.equal(alone.status, 400);
    assert.match(alone.body.error?.message ?? "", /gracePeriodSeconds/);
    const longTitle = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      notify: { title: "x".repeat(101), message: "m" },
    });
    assert.equal(longTitle.status, 400);
    assert.match(longTitle.body.error?.message ?? "", /notify\.title/);
    assert.equal(harness.emulator.calls().length, 0);
  });
});

describe("many users at once", () => {
  it("signs out several users with one unfiltered listing per host pool and groups the report per user", async () => {
    const result = await harness.post(harness.handler(), {
      userPrincipalNames: ["alice@contoso.com", "BOB@contoso.com", "bob@CONTOSO.com", "nobody@contoso.com"],
    });
    assert.equal(result.status, 200);
    assert.equal(result.body.strategy, "unfilteredPerHostPool");
    assert.deepEqual(result.body.userPrincipalNames, ["alice@contoso.com", "BOB@contoso.com", "nobody@contoso.com"]);
    assert.equal(result.body.userPrincipalName, undefined);
    assert.deepEqual(
      result.body.users.map((u) => [u.userPrincipalName, u.status, u.counts.signedOut]),
      [
        ["alice@contoso.com", "completed", 4],
        ["BOB@contoso.com", "completed", 2],
        ["nobody@contoso.com", "completed", 0],
      ],
    );
    assert.ok(result.body.users[1]!.sessions.every((s) => s.userPrincipalName.toLowerCase() === "bob@contoso.com"));
    assert.deepEqual(
      harness.remaining(),
      everyoneButAlice.filter((s) => !s.endsWith(" bob@contoso.com")),
    );
    assert.equal(harness.emulator.calls().filter((c) => c.operation === "listUserSessions").length, 4);
  });

  it("uses one filtered listing per user and host pool only when the server-side filter is enabled", async () => {
    load({ ...tenantScenario({ paged: false }), filterCaseSensitive: false });
    const result = await harness.post(harness.handler({ AVD_SERVER_SIDE_FILTER: "true" }), {
      userPrincipalNames: ["alice@contoso.com", "bob@contoso.com"],
    });
    assert.equal(result.status, 200);
    assert.equal(result.body.strategy, "filteredPerUser");
    const listings = harness.emulator.calls().filter((c) => c.operation === "listUserSessions");
    assert.equal(listings.length, 2 * 4);
    assert.ok(listings.every((c) => c.query.$filter?.startsWith("userPrincipalName eq ")));
    assert.deepEqual(
      harness.remaining(),
      everyoneButAlice.filter((s) => !s.endsWith(" bob@contoso.com")),
    );
  });

  it("applies the status rules to the whole batch: one unreadable host pool fails every user", async () => {
    load({
      ...tenantScenario({ paged: false }),
      faults: [
        { match: { operation: "listUserSessions", hostPool: "HP-Delta" }, status: 500, code: "InternalServerError" },
      ],
    });
    // The fault never ends: the pipeline gives up after two retries instead of at the deadline.
    const result = await harness.post(harness.handler({}, undefined, { maxRetries: 2 }), {
      userPrincipalNames: ["alice@contoso.com", "carol@contoso.com"],
    });
    assert.equal(result.status, 502);
    assert.equal(result.body.status, "failed");
    const deltaListings = harness.emulator
      .calls()
      .filter((call) => call.operation === "listUserSessions" && call.hostPool === "HP-Delta");
    assert.deepEqual(
      deltaListings.map((call) => call.status),
      [500, 500, 500],
    );
    assert.deepEqual(
      result.body.users.map((u) => u.status),
      ["failed", "failed"],
    );
    assert.deepEqual(
      harness.remaining(),
      everyoneButAlice.filter((s) => !s.endsWith(" carol@contoso.com")),
    );
  });

  it("rejects both fields together, an empty list and more than 100 users with 400 and no call", async () => {
    const handler = harness.handler();
    const upns = Array.from({ length: 101 }, (_, i) => `user${i}@contoso.com`);
    for (const [body, field] of [
      [{ userPrincipalName: "alice@contoso.com", userPrincipalNames: ["bob@contoso.com"] }, "userPrincipalNames"],
      [{ userPrincipalNames: [] }, "userPrincipalNames"],
      [{ userPrincipalNames: upns }, "userPrincipalNames"],
      [{ userPrincipalNames: ["alice@contoso.com", "not-a-upn"] }, "userPrincipalNames.1"],
    ] as const) {
      const result = await harness.post(handler, body);
      assert.equal(result.status, 400, JSON.stringify(body).slice(0, 80));
      assert.match(result.body.error?.message ?? "", new RegExp(field.replace(".", "\\.")));
    }
    assert.equal(harness.emulator.calls().length, 0);
    assert.deepEqual(harness.remaining(), everyone);
  });
});

describe("limited scope", () => {
  it("searches only the requested subscriptions", async () => {
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      subscriptionIds: [subscriptionA.toUpperCase()],
    });
    assert.equal(result.status, 200);
    assert.deepEqual(result.body.scope.subscriptionIds, [subscriptionA]);
    assert.ok(harness.emulator.calls().every((c) => c.subscriptionId?.toLowerCase() === subscriptionA));
    assert.deepEqual(
      harness.remaining(),
      [...everyoneButAlice, "22222222/HP-Gamma/host-g1.corp.contoso.com/7 alice@contoso.com"].sort(),
    );
  });

  it("answers 400 naming subscriptions outside AVD_SUBSCRIPTION_IDS, and calls nothing", async () => {
    const stranger = "99999999-9999-4999-8999-999999999999";
    const result = await harness.post(harness.handler({ AVD_SUBSCRIPTION_IDS: subscriptionA }), {
      userPrincipalName: "alice@contoso.com",
      subscriptionIds: [subscriptionA, subscriptionB, stranger],
    });
    assert.equal(result.status, 400);
    const detail = (result.body.error as { details?: Array<{ field: string; message: string }> }).details?.[0];
    assert.equal(detail?.field, "subscriptionIds");
    assert.match(detail?.message ?? "", new RegExp(`${subscriptionB}, ${stranger}`));
    assert.equal(harness.emulator.calls().length, 0);
    assert.equal(harness.emulator.tokenRequests().length, 0);
  });

  it("searches only the named host pools, by name in any case or by resource id", async () => {
    const gammaId = `/subscriptions/${subscriptionB}/resourceGroups/rg-shared/providers/Microsoft.DesktopVirtualization/hostPools/hp-gamma`;
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      hostPools: ["hp-alpha", gammaId, "HP-Nowhere"],
    });
    assert.equal(result.status, 200);
    assert.deepEqual(result.body.hostPoolsNotFound, ["HP-Nowhere"]);
    const listed = harness.emulator
      .calls()
      .filter((c) => c.operation === "listUserSessions")
      .map((c) => c.hostPool)
      .sort();
    assert.deepEqual(listed, ["HP-Alpha", "HP-Gamma"]);
    assert.deepEqual(
      harness.remaining(),
      [...everyoneButAlice, "11111111/HP-Beta/host-b1.contoso.com/1 Alice@Contoso.com"].sort(),
    );
  });

  it("lists host pools only in the subscriptions that host pool ids name", async () => {
    const gammaId = `/subscriptions/${subscriptionB}/resourcegroups/RG-Shared/providers/Microsoft.DesktopVirtualization/hostpools/HP-Gamma`;
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      hostPools: [gammaId],
    });
    assert.equal(result.status, 200);
    assert.ok(harness.emulator.calls().every((c) => c.subscriptionId === subscriptionB));
    assert.equal(result.body.counts.signedOut, 1);
  });

  it("answers 400 for a host pool id outside the subscriptions in scope", async () => {
    const gammaId = `/subscriptions/${subscriptionB}/resourceGroups/RG-Shared/providers/Microsoft.DesktopVirtualization/hostPools/HP-Gamma`;
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      subscriptionIds: [subscriptionA],
      hostPools: [gammaId],
    });
    assert.equal(result.status, 400);
    assert.match(result.body.error?.message ?? "", /hostPools/);
    assert.equal(harness.emulator.calls().length, 0);
  });
});

describe("audit", () => {
  it("echoes requestedBy and reason in the report and the summary log line", async () => {
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      requestedBy: "helpdesk@contoso.com",
      reason: "INC0012345",
    });
    assert.equal(result.body.requestedBy, "helpdesk@contoso.com");
    assert.equal(result.body.reason, "INC0012345");
    const summary = result.logs.find((line) => line.includes('"event":"userSignout.summary"'))!;
    assert.match(summary, /"requestedBy":"helpdesk@contoso.com"/);
    assert.match(summary, /"reason":"INC0012345"/);
  });

  it("records the caller from x-ms-client-principal when App Service Authentication is on", async () => {
    const headers = principalHeader([
      { typ: "name", val: "Helpdesk Flow" },
      {
        typ: "http://schemas.microsoft.com/identity/claims/objectidentifier",
        val: "0f0f0f0f-0000-4000-8000-000000000001",
      },
      { typ: "roles", val: "AvdSignout.Operator" },
    ]);
    const result = await harness.post(
      harness.handler({ WEBSITE_AUTH_ENABLED: "True" }),
      { userPrincipalName: "alice@contoso.com" },
      headers,
    );
    assert.equal(result.status, 200);
    assert.deepEqual(result.body.caller, {
      name: "Helpdesk Flow",
      objectId: "0f0f0f0f-0000-4000-8000-000000000001",
      identityProvider: "aad",
      roles: ["AvdSignout.Operator"],
    });
    assert.match(
      result.logs.find((line) => line.includes("userSignout.summary"))!,
      /"callerName":"Helpdesk Flow"/,
    );
  });

  it("never trusts the principal header when App Service Authentication is off", async () => {
    const headers = principalHeader([
      { typ: "name", val: "Forged" },
      { typ: "roles", val: "AvdSignout.Operator" },
    ]);
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" }, headers);
    assert.equal(result.status, 200);
    assert.equal(result.body.caller, undefined);
    assert.doesNotMatch(JSON.stringify(result.logs), /Forged/);
    const required = await harness.post(
      harness.handler({ REQUIRED_CALLER_ROLE: "AvdSignout.Operator" }),
      { userPrincipalName: "bob@contoso.com" },
      headers,
    );
    assert.equal(required.status, 500);
    assert.equal(required.body.error?.setting, "REQUIRED_CALLER_ROLE");
    assert.ok(
      harness.remaining().some((s) => s.endsWith(" bob@contoso.com")),
      "bob was not touched",
    );
  });

  it("answers 403 and touches nothing when the caller lacks REQUIRED_CALLER_ROLE", async () => {
    const settings = { WEBSITE_AUTH_ENABLED: "True", REQUIRED_CALLER_ROLE: "AvdSignout.Operator" };
    for (const headers of [
      {},
      principalHeader([
        { typ: "name", val: "Reader" },
        { typ: "roles", val: "AvdSignout.Reader" },
      ]),
    ]) {
      const result = await harness.post(harness.handler(settings), { userPrincipalName: "alice@contoso.com" }, headers);
      assert.equal(result.status, 403);
      assert.equal(result.body.error?.code, "CallerNotAuthorized");
    }
    assert.equal(harness.emulator.calls().length, 0);
    assert.deepEqual(harness.remaining(), everyone);
  });

  it("accepts a caller whose app role comes under role_typ", async () => {
    const roleTyp = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
    const headers = principalHeader([{ typ: roleTyp, val: "AvdSignout.Operator" }], roleTyp);
    const result = await harness.post(
      harness.handler({ WEBSITE_AUTH_ENABLED: "True", REQUIRED_CALLER_ROLE: "AvdSignout.Operator" }),
      { userPrincipalName: "alice@contoso.com" },
      headers,
    );
    assert.equal(result.status, 200);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });
});
