import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Scenario } from "../../emulator/scenario";
import { startSignOutHarness, type SignOutHarness } from "./signOutHarness";
import { everyoneButAlice, subscriptionA, subscriptionB, tenantScenario } from "./tenantScenario";

let harness: SignOutHarness;
before(async () => {
  harness = await startSignOutHarness(tenantScenario());
});
after(() => harness.close());
beforeEach(() => harness.emulator.load(tenantScenario()));

const alphaId = `/subscriptions/${subscriptionA}/resourcegroups/RG-Avd-West/providers/Microsoft.DesktopVirtualization/hostpools/HP-Alpha`;
const betaId = `/subscriptions/${subscriptionA}/resourcegroups/rg-avd-east/providers/Microsoft.DesktopVirtualization/hostpools/HP-Beta`;

function withFaults(faults: Scenario["faults"]): void {
  harness.emulator.load({ ...tenantScenario({ paged: false }), faults });
}

function session(id: string, userPrincipalName: unknown, sessionState: unknown = "Active"): object {
  return {
    id,
    name: id.split("/").slice(-3).join("/"),
    type: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions",
    properties: { userPrincipalName, sessionState },
  };
}

async function signOutAlice(settings: Record<string, string> = {}) {
  return harness.post(harness.handler(settings), { userPrincipalName: "alice@contoso.com" });
}

describe("listing pages are checked, never read as 'no sessions'", () => {
  for (const body of ["html", "emptyObject", "nullValue"] as const) {
    it(`fails the host pool whose session page is ${body} (502 naming it) and leaves its sessions for a retry`, async () => {
      withFaults([{ match: { operation: "listUserSessions", hostPool: "HP-Beta" }, status: 200, body }]);
      const result = await signOutAlice();
      assert.equal(result.status, 502);
      assert.equal(result.body.status, "failed");
      assert.deepEqual(
        result.body.errors.map((e) => [e.scope, e.hostPool, e.code]),
        [["hostPool", "HP-Beta", "MalformedListingResponse"]],
      );
      assert.deepEqual(
        harness.remaining(),
        [...everyoneButAlice, "11111111/HP-Beta/host-b1.contoso.com/1 Alice@Contoso.com"].sort(),
      );
    });
  }

  it("fails the host pool whose session page gives a key twice, at any depth, or a key a page does not have", async () => {
    const alice = JSON.stringify(
      session(`${betaId}/sessionhosts/host-b1.contoso.com/usersessions/1`, "Alice@Contoso.com"),
    );
    const aliceAsBob = alice.replace(
      '"userPrincipalName":"Alice@Contoso.com"',
      '"userPrincipalName":"bob@contoso.com","userPrincipalName":"Alice@Contoso.com"',
    );
    assert.notEqual(aliceAsBob, alice);
    for (const [what, text] of [
      ["value twice", `{"value":[${alice}],"value":[]}`],
      ["value twice, the empty one first", `{"value":[],"value":[${alice}],"nextLink":null}`],
      ["nextLink twice", `{"value":[${alice}],"nextLink":null,"nextLink":"https://127.0.0.1/x"}`],
      ["a key twice inside an item", `{"value":[${aliceAsBob}],"nextLink":null}`],
      ["value twice, once escaped", `{"value":[${alice}],"valu\\u0065":[]}`],
      ["an unknown key beside value", `{"value":[${alice}],"nextLink":null,"odata.nextLink":"x"}`],
      ["a nextLink that is not a string", `{"value":[${alice}],"nextLink":7}`],
    ] as const) {
      withFaults([{ match: { operation: "listUserSessions", hostPool: "HP-Beta" }, status: 200, body: "text", text }]);
      const result = await signOutAlice();
      assert.equal(result.status, 502, what);
      assert.deepEqual(
        result.body.errors.map((e) => [e.scope, e.hostPool, e.code]),
        [["hostPool", "HP-Beta", "MalformedListingResponse"]],
        what,
      );
      assert.deepEqual(
        harness.remaining(),
        [...everyoneButAlice, "11111111/HP-Beta/host-b1.contoso.com/1 Alice@Contoso.com"].sort(),
        what,
      );
    }
  });

  it("fails the subscription whose host pool page is not the documented shape", async () => {
    withFaults([{ match: { operation: "listHostPools", subscriptionId: subscriptionB }, status: 200, body: "html" }]);
    const result = await signOutAlice();
    assert.equal(result.status, 502);
    assert.deepEqual(
      result.body.errors.map((e) => [e.scope, e.subscriptionId, e.code]),
      [["subscription", subscriptionB, "MalformedListingResponse"]],
    );
    assert.ok(harness.remaining().includes("22222222/HP-Gamma/host-g1.corp.contoso.com/7 alice@contoso.com"));
  });

  it("warns, and still answers 200, when a subscription lists no host pools (a missing role can look like that)", async () => {
    const scenario = tenantScenario();
    scenario.subscriptions[1] = { ...scenario.subscriptions[1]!, hidesHostPools: true };
    harness.emulator.load(scenario);
    const result = await signOutAlice();
    assert.equal(result.status, 200);
    assert.equal(result.body.warnings?.length, 1);
    assert.match(result.body.warnings?.[0] ?? "", new RegExp(`${subscriptionB}.*role assignment`));
  });

  it("handles a session whose fields have unexpected types for that session, never failing the request", async () => {
    withFaults([
      {
        match: { operation: "listUserSessions", hostPool: "HP-Beta" },
        status: 200,
        body: "json",
        json: {
          value: [
            session(`${betaId}/sessionhosts/host-b1.contoso.com/usersessions/1`, "Alice@Contoso.com", 42),
            session(`${betaId}/sessionhosts/host-b1.contoso.com/usersessions/3`, 7, "Active"),
            "not a session",
          ],
          nextLink: null,
        },
      },
    ]);
    const result = await signOutAlice();
    assert.equal(result.status, 200);
    const beta = result.body.sessions.find((s) => s.hostPool === "HP-Beta");
    assert.deepEqual([beta?.sessionState, beta?.outcome], ["Unknown", "signedOut"]);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });
});

describe("a 404 on a delete means 'already gone' only when the service says so about that session", () => {
  it("counts a delete answered 204 as signed out, noting the status", async () => {
    const result = await signOutAlice();
    assert.equal(result.status, 200);
    assert.ok(result.body.sessions.every((s) => s.outcome === "signedOut" && s.upstreamStatus === 204));
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });

  it("counts the service's own 'User session does not exist' 404 as already gone", async () => {
    harness.emulator.load({ ...tenantScenario({ paged: false }), missingSessionDeleteStatus: 404 });
    const scenario = tenantScenario({ paged: false });
    scenario.missingSessionDeleteStatus = 404;
    scenario.subscriptions[0]!.hostPools![0]!.sessionHosts![0]!.sessions![0]!.vanishesBeforeDelete = 404;
    harness.emulator.load(scenario);
    const result = await signOutAlice();
    assert.equal(result.status, 200);
    assert.deepEqual(
      result.body.sessions.map((s) => [s.hostPool, s.sessionId, s.outcome]),
      [
        ["HP-Beta", "1", "signedOut"],
        ["HP-Alpha", "1", "alreadyGone"],
        ["HP-Alpha", "3", "signedOut"],
        ["HP-Gamma", "7", "signedOut"],
      ],
    );
  });

  const aliceAlphaSession = `/subscriptions/${subscriptionA}/resourceGroups/RG-Avd-West/providers/Microsoft.DesktopVirtualization/hostPools/HP-Alpha/sessionHosts/host-a1.contoso.com/userSessions/1`;
  for (const [what, fault] of [
    ["an HTML 404", { match: { path: aliceAlphaSession, method: "DELETE" }, status: 404, body: "html" }],
    [
      "InvalidResourceType",
      { match: { path: aliceAlphaSession, method: "DELETE" }, status: 404, code: "InvalidResourceType" },
    ],
    [
      "NoRegisteredProviderFound",
      { match: { path: aliceAlphaSession, method: "DELETE" }, status: 404, code: "NoRegisteredProviderFound" },
    ],
    ["a host pool's ResourceNotFound", { match: { path: aliceAlphaSession, method: "DELETE" }, status: 404 }],
  ] as const) {
    it(`reports ${what} on a delete as a failure (502), and the session stays for a retry`, async () => {
      withFaults([fault]);
      const result = await signOutAlice();
      assert.equal(result.status, 502);
      const failed = result.body.sessions.filter((s) => s.outcome === "failed");
      assert.deepEqual(
        failed.map((s) => [s.hostPool, s.sessionId]),
        [["HP-Alpha", "1"]],
      );
      assert.equal(result.body.counts.alreadyGone, 0);
      assert.ok(harness.remaining().includes("11111111/HP-Alpha/host-a1.contoso.com/1 alice@contoso.com"));
    });
  }
});

describe("strict resource ids: only user sessions of the host pool they were listed in are touched", () => {
  it("never acts on an id with dot segments, escapes, empty segments or another host pool, and sends only user-session writes", async () => {
    const crafted = [
      `${alphaId}/sessionhosts/../usersessions/..`,
      `${alphaId}/sessionhosts/host-a1.contoso.com/usersessions/..`,
      `${alphaId}/sessionhosts/./usersessions/1`,
      `${alphaId}/sessionhosts/host-a1.contoso.com%2F..%2F..%2F/usersessions/1`,
      `${alphaId}/sessionhosts//usersessions/1`,
      `${alphaId}/sessionhosts/host-a1.contoso.com/usersessions/1/`,
      `${alphaId}/sessionhosts/host-a1.contoso.com/usersessions/1?force=true`,
      `${betaId}/sessionhosts/host-b1.contoso.com/usersessions/1`,
      `${alphaId}/sessionhosts/host-a1.contoso.com/usersessions/1/../../../..`,
    ];
    withFaults([
      {
        match: { operation: "listUserSessions", hostPool: "HP-Alpha" },
        status: 200,
        body: "json",
        json: {
          value: [
            ...crafted.map((id) => session(id, "alice@contoso.com")),
            session(`${alphaId}/sessionhosts/host-a1.contoso.com/usersessions/1`, "alice@contoso.com"),
          ],
          nextLink: null,
        },
      },
    ]);
    const result = await signOutAlice();
    assert.equal(result.status, 502);
    const refused = result.body.errors.filter((e) => e.code === "UnrecognizedResourceId");
    assert.equal(refused.length, crafted.length);
    assert.ok(refused.every((e) => e.scope === "session" && e.hostPool === "HP-Alpha"));
    const sessionPath =
      /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.DesktopVirtualization\/hostPools\/[^/]+\/sessionHosts\/[^/]+\/userSessions\/[^/]+$/i;
    const writes = harness.emulator.calls().filter((call) => call.method !== "GET");
    assert.ok(writes.length > 0);
    for (const call of writes) {
      assert.match(call.path, sessionPath);
      assert.ok(
        call.path.split("/").every((segment) => segment !== "." && segment !== ".." && !/%2f|%5c/i.test(segment)),
        call.path,
      );
    }
    // The genuine session was signed out; nothing else in HP-Alpha was.
    assert.deepEqual(
      writes.filter((call) => call.hostPool === "HP-Alpha").map((call) => call.sessionId),
      ["1"],
    );
    assert.ok(harness.remaining().includes("11111111/HP-Beta/host-b1.contoso.com/1 Alice@Contoso.com") === false);
  });
});

describe("the bearer token goes to the configured ARM endpoint only", () => {
  for (const [what, nextLink] of [
    ["another host", "https://attacker.example/steal?api-version=2024-04-03"],
    ["another port on the same host", "https://127.0.0.1:1/steal?api-version=2024-04-03"],
    ["plain http", "http://127.0.0.1/steal?api-version=2024-04-03"],
  ] as const) {
    it(`refuses a nextLink to ${what} before sending, and fails that host pool`, async () => {
      withFaults([
        {
          match: { operation: "listUserSessions", hostPool: "HP-Beta" },
          status: 200,
          body: "json",
          json: { value: [], nextLink },
          count: 1,
        },
      ]);
      const result = await signOutAlice();
      assert.equal(result.status, 502);
      assert.deepEqual(
        result.body.errors.map((e) => [e.scope, e.hostPool, e.code]),
        [["hostPool", "HP-Beta", "ForeignOriginRefused"]],
      );
      assert.ok(harness.remaining().includes("11111111/HP-Beta/host-b1.contoso.com/1 Alice@Contoso.com"));
      const retry = await signOutAlice();
      assert.equal(retry.status, 200);
      assert.deepEqual(harness.remaining(), everyoneButAlice);
    });
  }
});

describe("an answer cut off by a dropped connection is never read as an answer", () => {
  const betaListings = (): number =>
    harness.emulator.calls().filter((call) => call.operation === "listUserSessions" && call.hostPool === "HP-Beta")
      .length;

  it("lists a host pool again when its page was cut off halfway, and signs out what the whole page holds", async () => {
    withFaults([
      { match: { operation: "listUserSessions", hostPool: "HP-Beta" }, status: 200, body: "cutOff", count: 1 },
    ]);
    const result = await signOutAlice();
    assert.equal(result.status, 200);
    assert.equal(betaListings(), 2);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });

  it("fails the host pool whose pages keep being cut off (502 naming it), leaving its sessions for a retry", async () => {
    withFaults([{ match: { operation: "listUserSessions", hostPool: "HP-Beta" }, status: 200, body: "cutOff" }]);
    const result = await harness.post(harness.handler({}, undefined, { maxRetries: 2 }), {
      userPrincipalName: "alice@contoso.com",
    });
    assert.equal(result.status, 502);
    assert.deepEqual(
      result.body.errors.map((e) => [e.scope, e.hostPool, e.code]),
      [["hostPool", "HP-Beta", "ECONNRESET"]],
    );
    assert.equal(betaListings(), 3);
    assert.ok(harness.remaining().includes("11111111/HP-Beta/host-b1.contoso.com/1 Alice@Contoso.com"));
  });

  it("sends a delete again when the connection dropped after it landed, and reports the session signed out", async () => {
    withFaults([
      { match: { operation: "deleteUserSession", hostPool: "HP-Beta" }, status: 200, body: "cutOff", count: 1 },
    ]);
    const result = await signOutAlice();
    assert.equal(result.status, 200);
    const beta = result.body.sessions.filter((s) => s.hostPool === "HP-Beta");
    assert.deepEqual(
      beta.map((s) => [s.sessionId, s.outcome]),
      [["1", "signedOut"]],
    );
    const betaDeletes = harness.emulator
      .calls()
      .filter((call) => call.operation === "deleteUserSession" && call.hostPool === "HP-Beta");
    assert.equal(betaDeletes.length, 2);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });
});
