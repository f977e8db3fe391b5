import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { readScenarioFile } from "../../emulator/readScenarioFile";
import type { ArmOperation } from "../../emulator/scenario";
import { startSignOutHarness, type CallResult, type SignOutHarness } from "./signOutHarness";

// emulator/scenarios/real-tenant.json: see its description for who is who.
const aliceLeaver = "a11ce000-0000-4000-8000-00000000000a";
const aliceNewHire = "a11ce000-0000-4000-8000-00000000000b";
const breakGlass = "b4ea6000-0000-4000-8000-00000000000c";
const bob = "b0b00000-0000-4000-8000-00000000000d";
const zeroId = "00000000-0000-0000-0000-000000000000";

let harness: SignOutHarness;

before(async () => {
  harness = await startSignOutHarness(readScenarioFile("real-tenant"));
});
after(() => harness.close());
beforeEach(() => harness.emulator.load(readScenarioFile("real-tenant")));

/** The emulator's sessions as `pool/host/id upn objectId`. */
function remaining(): string[] {
  return harness.emulator
    .sessions()
    .map((s) => `${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.userPrincipalName} ${s.objectId}`)
    .sort();
}

function gone(before: readonly string[]): string[] {
  const now = new Set(remaining());
  return before.filter((session) => !now.has(session));
}

const outcomes = (result: CallResult): string[] =>
  result.body.sessions
    .map((s) => `${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.outcome} ${s.matchedBy ?? "-"}`)
    .sort();

const callsOf = (operation: ArmOperation): number =>
  harness.emulator.calls().filter((call) => call.operation === operation).length;

describe("a user named by object id", () => {
  it("finds a renamed account's session under its old UPN, and the one under its new UPN, by object id alone", async () => {
    const start = remaining();
    const result = await harness.post(harness.handler(), { userObjectId: aliceLeaver.toUpperCase() });
    assert.equal(result.status, 200);
    assert.equal(result.body.status, "completed");
    assert.deepEqual(outcomes(result), [
      "HP-Apps/apps-0.contoso.com/1 signedOut objectId",
      "HP-Office/office-0.contoso.com/1 signedOut objectId",
    ]);
    assert.deepEqual(gone(start), [
      `HP-Apps/apps-0.contoso.com/1 zz_alice.leaver@contoso.com ${aliceLeaver}`,
      `HP-Office/office-0.contoso.com/1 alice@contoso.com ${aliceLeaver}`,
    ]);
    assert.equal(result.body.userObjectId, aliceLeaver.toUpperCase());
    assert.equal(result.body.userPrincipalName, undefined);
    assert.deepEqual(
      result.body.users.map((user) => [user.objectId, user.userPrincipalName, user.counts.signedOut]),
      [[aliceLeaver.toUpperCase(), undefined, 2]],
    );
  });

  it("lists unfiltered although the service filter is on: a filter on the new UPN would hide the old-UPN session", async () => {
    const start = remaining();
    const result = await harness.post(harness.handler({ AVD_SERVER_SIDE_FILTER: "true" }), {
      userPrincipalName: "zz_alice.leaver@contoso.com",
      userObjectId: aliceLeaver,
    });
    assert.equal(result.status, 200);
    assert.equal(result.body.strategy, "unfilteredPerHostPool");
    assert.equal(gone(start).length, 2);
    assert.ok(harness.emulator.calls().every((call) => call.query.$filter === undefined));
  });

  it("makes the same calls as a UPN request when every session goes: S + H + k, no session host listing", async () => {
    await harness.post(harness.handler(), { userObjectId: bob });
    assert.deepEqual(
      [
        callsOf("listHostPools"),
        callsOf("listUserSessions"),
        callsOf("deleteUserSession"),
        callsOf("listSessionHosts"),
      ],
      // One subscription; two host pools, HP-Office in 3 pages of 3; bob's two sessions.
      [1, 3 + 1, 2, 0],
    );
  });
});

describe("a UPN that changed hands", () => {
  it("signs out only the account the request names and reports the other account's session as otherAccount, untouched", async () => {
    const start = remaining();
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      userObjectId: aliceNewHire,
    });
    assert.equal(result.status, 200);
    assert.equal(result.body.status, "completed");
    assert.deepEqual(outcomes(result), [
      "HP-Office/office-0.contoso.com/1 otherAccount userPrincipalName",
      "HP-Office/office-0.contoso.com/2 signedOut objectId",
    ]);
    assert.deepEqual(gone(start), [`HP-Office/office-0.contoso.com/2 alice@contoso.com ${aliceNewHire}`]);
    assert.ok(remaining().includes(`HP-Office/office-0.contoso.com/1 alice@contoso.com ${aliceLeaver}`));
    assert.equal(result.body.counts.otherAccount, 1);
    assert.equal(result.body.counts.signedOut, 1);
    assert.equal(
      harness.emulator.calls().filter((call) => call.operation === "deleteUserSession").length,
      1,
      "no call touched the other account's session",
    );
  });

  it("signs out every session under the UPN when the request gives no object id, as before", async () => {
    const start = remaining();
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.equal(result.status, 200);
    assert.deepEqual(outcomes(result), [
      "HP-Office/office-0.contoso.com/1 signedOut userPrincipalName",
      "HP-Office/office-0.contoso.com/2 signedOut userPrincipalName",
    ]);
    assert.equal(gone(start).length, 2);
  });
});

describe("the all-zero object id", () => {
  it("names nobody: a session reporting it is matched by its UPN, whatever object id the request gives", async () => {
    const start = remaining();
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "carol@contoso.com",
      userObjectId: "c4401000-0000-4000-8000-000000000001",
    });
    assert.equal(result.status, 200);
    assert.deepEqual(outcomes(result), ["HP-Office/office-1.contoso.com/1 signedOut userPrincipalName"]);
    assert.equal(result.body.sessions[0]?.objectId, zeroId);
    assert.deepEqual(gone(start), [`HP-Office/office-1.contoso.com/1 carol@contoso.com ${zeroId}`]);
  });

  it("is refused in a request with a 400 naming the field, before any Azure call", async () => {
    for (const [body, field] of [
      [{ userObjectId: zeroId }, "userObjectId"],
      [{ userPrincipalName: "dave@contoso.com", userObjectId: zeroId }, "userObjectId"],
      [{ users: [{ userPrincipalName: "carol@contoso.com" }, { objectId: zeroId }] }, "users.1.objectId"],
    ] as const) {
      const result = await harness.post(harness.handler(), body);
      assert.equal(result.status, 400, JSON.stringify(body));
      const details = (result.body.error as unknown as { details: { field: string; message: string }[] }).details;
      assert.deepEqual(
        details.map((detail) => detail.field),
        [field],
      );
      assert.match(details[0]?.message ?? "", /all-zero/);
    }
    assert.deepEqual(harness.emulator.calls(), []);
  });
});

describe("the users batch form", () => {
  it("reports one entry per requested user, naming the keys each was given; the same user twice counts once", async () => {
    const start = remaining();
    const result = await harness.post(harness.handler(), {
      users: [
        { objectId: aliceLeaver },
        { userPrincipalName: "bob@contoso.com" },
        { userPrincipalName: "alice@contoso.com", objectId: aliceNewHire },
        { userPrincipalName: "BOB@contoso.com" },
      ],
    });
    assert.equal(result.status, 200);
    assert.deepEqual(
      result.body.users.map((user) => ({
        userPrincipalName: user.userPrincipalName,
        objectId: user.objectId,
        sessions: user.sessions.map((s) => `${s.hostPool}/${s.sessionId} ${s.outcome} ${s.matchedBy ?? "-"}`),
      })),
      [
        {
          userPrincipalName: undefined,
          objectId: aliceLeaver,
          sessions: ["HP-Apps/1 signedOut objectId", "HP-Office/1 signedOut objectId"],
        },
        {
          userPrincipalName: "bob@contoso.com",
          objectId: undefined,
          sessions: ["HP-Apps/2 signedOut userPrincipalName", "HP-Office/4 signedOut userPrincipalName"],
        },
        // The leaver's session under alice@ is the first user's (object id), not this user's otherAccount.
        {
          userPrincipalName: "alice@contoso.com",
          objectId: aliceNewHire,
          sessions: ["HP-Office/2 signedOut objectId"],
        },
      ],
    );
    assert.equal(result.body.userPrincipalNames, undefined);
    assert.equal(gone(start).length, 5);
  });
});

describe("protection by object id (AVD_PROTECTED_USERS)", () => {
  const settings = { AVD_PROTECTED_USERS: `admin@contoso.com, ${breakGlass.toUpperCase()}` };

  it("refuses a request naming a protected object id with a 403 before any Azure call", async () => {
    for (const [body, field] of [
      [{ userObjectId: breakGlass }, "userObjectId"],
      [{ users: [{ userPrincipalName: "bob@contoso.com" }, { objectId: breakGlass }] }, "users"],
    ] as const) {
      const result = await harness.post(harness.handler(settings), body);
      assert.equal(result.status, 403);
      const error = result.body.error as unknown as { code: string; details: { field: string }[] };
      assert.equal(error.code, "ProtectedAccount");
      assert.deepEqual(
        error.details.map((detail) => detail.field),
        [field],
      );
    }
    assert.deepEqual(harness.emulator.calls(), []);
  });

  it("keeps a renamed protected account's session, found under its old UPN, untouched and fails the request", async () => {
    const start = remaining();
    const result = await harness.post(harness.handler(settings), { userPrincipalName: "breakglass@contoso.com" });
    assert.equal(result.status, 502);
    assert.equal(result.body.status, "failed");
    assert.deepEqual(outcomes(result), ["HP-Office/office-0.contoso.com/3 protected userPrincipalName"]);
    assert.equal(result.body.sessions[0]?.error?.code, "ProtectedAccount");
    assert.equal(result.body.counts.protected, 1);
    assert.deepEqual(gone(start), []);
    assert.equal(callsOf("deleteUserSession"), 0);
  });

  it("lets a dry run look, as a dry run may name a protected account", async () => {
    const result = await harness.post(harness.handler(settings), {
      userPrincipalName: "breakglass@contoso.com",
      dryRun: true,
    });
    assert.equal(result.status, 200);
    assert.deepEqual(outcomes(result), ["HP-Office/office-0.contoso.com/3 wouldSignOut userPrincipalName"]);
  });
});

describe("a session on a host that is off", () => {
  it("is stillPresent after a successful log off, with its host's status read by one session host listing", async () => {
    const result = await harness.post(harness.handler({ AVD_VERIFY_WINDOW_SECONDS: "0" }), {
      userObjectId: "e1e00000-0000-4000-8000-00000000000e",
      verify: true,
    });
    assert.equal(result.status, 502);
    const [session] = result.body.sessions;
    assert.equal(session?.outcome, "stillPresent");
    assert.equal(session?.upstreamStatus, 204);
    assert.equal(session?.sessionHostStatus, "Shutdown");
    assert.equal(callsOf("listSessionHosts"), 1);
    assert.ok(
      harness.emulator.sessions().some((s) => s.sessionHost === "office-2.contoso.com" && s.sessionId === "1"),
      "the DELETE answered success and the session stayed",
    );
  });

  it("gives the host's status of a session whose action failed", async () => {
    harness.emulator.load({
      ...readScenarioFile("real-tenant"),
      faults: [{ match: { operation: "deleteUserSession", sessionId: "4" }, status: 409, code: "Conflict" }],
    });
    const result = await harness.post(harness.handler(), { userPrincipalName: "bob@contoso.com" });
    assert.equal(result.status, 502);
    const failed = result.body.sessions.find((session) => session.outcome === "failed");
    assert.equal(failed?.sessionHostStatus, "Available");
    assert.equal(callsOf("listSessionHosts"), 1);
  });

  it("reads no session host when every session went", async () => {
    const result = await harness.post(harness.handler({ AVD_VERIFY_WINDOW_SECONDS: "0" }), {
      userObjectId: bob,
      verify: true,
    });
    assert.equal(result.status, 200);
    assert.ok(result.body.sessions.every((s) => s.sessionHostStatus === undefined));
    assert.equal(callsOf("listSessionHosts"), 0);
  });
});
