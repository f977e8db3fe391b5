import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Scenario } from "../../emulator/scenario";
import { startSignOutHarness, type SignOutHarness } from "./signOutHarness";

// Listings the service could hand back (crafted pages served by the emulator) against the guards
// that decide what the app touches: each test fails when its guard is removed (see CONTRIBUTING.md,
// "Mutation testing").

// Letters in the ids, so that a comparison that folds one side only fails here.
const subscriptionA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const subscriptionB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
const provider = "Microsoft.DesktopVirtualization";
const poolPath = (subscriptionId: string, resourceGroup: string, hostPool: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${provider}/hostPools/${hostPool}`;
/** As the live service writes ids: lower-case segment names. */
const sessionId = (subscriptionId: string, resourceGroup: string, hostPool: string, host: string, id: string) =>
  `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/${provider}/hostpools/${hostPool}/sessionhosts/${host}/usersessions/${id}`;
const listedSession = (id: string | null, userPrincipalName: string | undefined) => ({
  id,
  ...(userPrincipalName === undefined ? {} : { properties: { userPrincipalName, sessionState: "Active" } }),
});

const host = "h1.contoso.com";
const otherHost = "h2.contoso.com";
const one = (userPrincipalName: string) => [
  { name: host, sessions: [{ id: "1", userPrincipalName, sessionState: "Active" as const }] },
];

/**
 * alice holds sessions 1 on two hosts of RG-1/HP-1 in subscription A. Around that pool sit pools
 * that differ from it in one part of their id only: the resource group, the name, the subscription.
 */
function guardScenario(faults: Scenario["faults"] = []): Scenario {
  return {
    faults,
    subscriptions: [
      {
        id: subscriptionA,
        hostPools: [
          {
            name: "HP-1",
            resourceGroup: "RG-1",
            sessionHosts: [
              {
                name: host,
                sessions: [
                  { id: "1", userPrincipalName: "alice@contoso.com", sessionState: "Active" },
                  { id: "2", userPrincipalName: "bob@contoso.com", sessionState: "Active" },
                ],
              },
              {
                name: otherHost,
                sessions: [{ id: "1", userPrincipalName: "alice@contoso.com", sessionState: "Disconnected" }],
              },
            ],
          },
          { name: "HP-1", resourceGroup: "RG-2", sessionHosts: one("other-group@contoso.com") },
          { name: "HP-2", resourceGroup: "RG-1", sessionHosts: one("other-pool@contoso.com") },
        ],
      },
      {
        id: subscriptionB,
        hostPools: [{ name: "HP-1", resourceGroup: "RG-1", sessionHosts: one("other-sub@contoso.com") }],
      },
    ],
  };
}

const bystanders = [
  "aaaaaaaa/HP-1/h1.contoso.com/1 other-group@contoso.com",
  "aaaaaaaa/HP-1/h1.contoso.com/2 bob@contoso.com",
  "aaaaaaaa/HP-2/h1.contoso.com/1 other-pool@contoso.com",
  "bbbbbbbb/HP-1/h1.contoso.com/1 other-sub@contoso.com",
];
const alices = ["aaaaaaaa/HP-1/h1.contoso.com/1 alice@contoso.com", "aaaaaaaa/HP-1/h2.contoso.com/1 alice@contoso.com"];

/** RG-1/HP-1's session listing answers this page (once, or every time). */
function listingOfPool1(page: unknown, count?: number): NonNullable<Scenario["faults"]>[number] {
  return {
    match: { path: `${poolPath(subscriptionA, "RG-1", "HP-1")}/userSessions` },
    status: 200,
    body: "json",
    json: page,
    ...(count === undefined ? {} : { count }),
  };
}

let harness: SignOutHarness;

before(async () => {
  harness = await startSignOutHarness(guardScenario());
});
after(() => harness.close());
beforeEach(() => harness.emulator.load(guardScenario()));

const deletes = () => harness.emulator.calls().filter((call) => call.operation === "deleteUserSession");

describe("the scenario without crafted listings", () => {
  it("signs alice out of both her sessions and leaves every other session", async () => {
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.equal(result.status, 200);
    assert.deepEqual(harness.remaining(), [...bystanders].sort());
    assert.equal(deletes().length, 2);
  });
});

describe("a session listed twice", () => {
  it("is acted on once, even when the copies write the session host in another case", async () => {
    const own = sessionId(subscriptionA, "RG-1", "HP-1", host, "1");
    const ownOtherCase = sessionId(subscriptionA, "RG-1", "HP-1", host.toUpperCase(), "1");
    const onOtherHost = sessionId(subscriptionA, "RG-1", "HP-1", otherHost, "1");
    harness.emulator.load(
      guardScenario([
        listingOfPool1({
          value: [
            listedSession(own, "alice@contoso.com"),
            listedSession(onOtherHost, "alice@contoso.com"),
            listedSession(own, "alice@contoso.com"),
            listedSession(ownOtherCase, "ALICE@contoso.com"),
          ],
        }),
      ]),
    );
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.equal(result.status, 200);
    assert.deepEqual(
      deletes()
        .map((call) => `${call.sessionHost?.toLowerCase()}/${call.sessionId}`)
        .sort(),
      [`${host}/1`, `${otherHost}/1`],
    );
    assert.deepEqual(
      result.body.sessions.map((session) => `${session.sessionHost}/${session.sessionId} ${session.outcome}`).sort(),
      [`${host}/1 signedOut`, `${otherHost}/1 signedOut`],
    );
    assert.deepEqual(harness.remaining(), [...bystanders].sort());
  });
});

describe("a session of the user listed with an id outside its host pool", () => {
  it("is never touched, whichever part of the id differs, and is reported", async () => {
    const foreign = [
      sessionId(subscriptionA, "RG-2", "HP-1", host, "1"),
      sessionId(subscriptionA, "RG-1", "HP-2", host, "1"),
      sessionId(subscriptionB, "RG-1", "HP-1", host, "1"),
      // Not a user session id at all: the host pool's own id.
      poolPath(subscriptionA, "RG-1", "HP-1"),
    ];
    harness.emulator.load(
      guardScenario([
        listingOfPool1({
          value: [
            ...foreign.map((id) => listedSession(id, "alice@contoso.com")),
            listedSession(null, "alice@contoso.com"),
            // Other users' entries are skipped without a report, whatever their ids.
            listedSession(foreign[0]!, "bob@contoso.com"),
            listedSession(sessionId(subscriptionA, "RG-1", "HP-1", host, "2"), undefined),
            listedSession(sessionId(subscriptionA, "RG-1", "HP-1", host, "1"), "alice@contoso.com"),
          ],
        }),
      ]),
    );
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.deepEqual(harness.remaining(), [...bystanders, alices[1]!].sort());
    assert.deepEqual(
      deletes().map((call) => `${call.resourceGroup}/${call.hostPool}/${call.sessionHost}/${call.sessionId}`),
      [`RG-1/HP-1/${host}/1`],
    );
    assert.deepEqual(
      result.body.errors.map((error) => [
        error.scope,
        error.subscriptionId,
        error.resourceGroup,
        error.hostPool,
        error.code,
      ]),
      Array.from({ length: 5 }, () => ["session", subscriptionA, "RG-1", "HP-1", "UnrecognizedResourceId"]),
    );
    assert.ok(result.body.errors.every((error) => /outside its host pool; it was not touched/.test(error.message)));
    assert.deepEqual(
      result.body.sessions.map((session) => `${session.hostPool}/${session.sessionId} ${session.outcome}`),
      ["HP-1/1 signedOut"],
    );
  });
});

describe("the bearer token", () => {
  it("never follows a nextLink to another origin, even one that would answer", async () => {
    // The emulator's certificate names localhost too, so this origin would serve the next page.
    const elsewhere = harness.emulator.armEndpoint.replace("127.0.0.1", "localhost");
    assert.notEqual(elsewhere, harness.emulator.armEndpoint);
    const nextLink = `${elsewhere}${poolPath(subscriptionA, "RG-1", "HP-1")}/userSessions?api-version=2024-04-03`;
    harness.emulator.load(guardScenario([listingOfPool1({ value: [], nextLink }, 1)]));
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.equal(result.status, 502);
    assert.deepEqual(
      result.body.errors.map((error) => [error.scope, error.resourceGroup, error.hostPool, error.code]),
      [["hostPool", "RG-1", "HP-1", "ForeignOriginRefused"]],
    );
    const pool1Listings = harness.emulator
      .calls()
      .filter(
        (call) =>
          call.operation === "listUserSessions" &&
          call.subscriptionId === subscriptionA &&
          call.resourceGroup === "RG-1" &&
          call.hostPool === "HP-1",
      );
    assert.equal(pool1Listings.length, 1, "the foreign page was never requested");
    assert.deepEqual(harness.remaining(), [...bystanders, ...alices].sort());
  });
});

describe("nothing outside the subscription being listed", () => {
  const callsInto = (subscriptionId: string) =>
    harness.emulator.calls().filter((call) => call.subscriptionId?.toLowerCase() === subscriptionId);
  /** Subscription A's host pool listing names B's HP-1 (where other-sub holds a session) beside A's own HP-2. */
  const listingOfANamingB = {
    match: { operation: "listHostPools" as const, subscriptionId: subscriptionA },
    status: 200,
    body: "json" as const,
    json: {
      value: [
        { id: poolPath(subscriptionB, "RG-1", "HP-1"), name: "HP-1" },
        { id: poolPath(subscriptionA, "RG-1", "HP-2"), name: "HP-2" },
      ],
    },
  };

  it("never lists or touches a host pool that subscription A's listing names in subscription B, configured or not", async () => {
    for (const [settings, body] of [
      [{ AVD_SUBSCRIPTION_IDS: subscriptionA }, {}],
      [{}, { subscriptionIds: [subscriptionA] }],
    ] as const) {
      harness.emulator.load(guardScenario([listingOfANamingB]));
      const result = await harness.post(harness.handler(settings), {
        userPrincipalName: "other-sub@contoso.com",
        ...body,
      });
      assert.equal(result.status, 502, JSON.stringify(settings));
      assert.deepEqual(
        result.body.errors.map((error) => [error.scope, error.subscriptionId, error.hostPool, error.code]),
        [["hostPool", subscriptionA, "HP-1", "ForeignSubscriptionRefused"]],
      );
      assert.match(result.body.errors[0]?.message ?? "", /names subscription bbbbbbbb-/);
      assert.deepEqual(callsInto(subscriptionB), [], "nothing was sent into subscription B");
      assert.equal(result.body.counts.sessionsFound, 0);
      assert.deepEqual(harness.remaining(), [...bystanders, ...alices].sort());
    }
  });

  it("follows no nextLink into another subscription, configured or not", async () => {
    const nextLink = `${harness.emulator.armEndpoint}${poolPath(subscriptionB, "RG-1", "HP-1")}/userSessions?api-version=2024-04-03`;
    for (const [settings, body] of [
      [{ AVD_SUBSCRIPTION_IDS: subscriptionA }, {}],
      [{}, { subscriptionIds: [subscriptionA] }],
    ] as const) {
      harness.emulator.load(guardScenario([listingOfPool1({ value: [], nextLink }, 1)]));
      const result = await harness.post(harness.handler(settings), {
        userPrincipalName: "other-sub@contoso.com",
        ...body,
      });
      assert.equal(result.status, 502, JSON.stringify(settings));
      assert.deepEqual(
        result.body.errors.map((error) => [error.scope, error.resourceGroup, error.hostPool, error.code]),
        [["hostPool", "RG-1", "HP-1", "ForeignSubscriptionRefused"]],
      );
      assert.deepEqual(callsInto(subscriptionB), [], "the page in subscription B was never requested");
      assert.deepEqual(harness.remaining(), [...bystanders, ...alices].sort());
    }
  });
});

describe("the answer to a delete", () => {
  for (const [what, fault] of [
    [
      "a 404 about the host pool (ARM's ResourceNotFound)",
      { code: "ResourceNotFound", message: "The Resource was not found." },
    ],
    [
      "a 404 with the service's code about something else",
      { code: "404", message: "ActivityId: 1 Error: Host pool does not exist" },
    ],
    [
      "a 404 naming the missing session without the service's code",
      { code: "NotFound", message: "User session does not exist" },
    ],
    ["a 404 that is not ARM's JSON", { body: "html" as const }],
    [
      "the service's missing-session body under another status",
      { status: 400, code: "404", message: "Error: User session does not exist" },
    ],
  ] as const) {
    it(`counts ${what} as a failure, not as already gone`, async () => {
      harness.emulator.load(
        guardScenario([{ match: { operation: "deleteUserSession", sessionId: "1" }, status: 404, ...fault }]),
      );
      const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
      assert.equal(result.status, 502);
      assert.equal(result.body.counts.alreadyGone, 0);
      assert.equal(result.body.counts.failed, 2);
      assert.ok(
        result.body.sessions.every(
          (session) =>
            session.outcome === "failed" && session.error?.statusCode === ("status" in fault ? fault.status : 404),
        ),
      );
      assert.deepEqual(harness.remaining(), [...bystanders, ...alices].sort());
    });
  }

  it("counts the service's own 404 for a missing session as already gone, in either spelling", async () => {
    harness.emulator.load(
      guardScenario([
        {
          match: { operation: "deleteUserSession", sessionId: "1" },
          status: 404,
          code: "404",
          message: "ActivityId: 2 Error: UserSession does not exist",
          count: 1,
        },
        {
          match: { operation: "deleteUserSession", sessionId: "1" },
          status: 404,
          code: "404",
          message: "ActivityId: 3 Error: User session does not exist",
        },
      ]),
    );
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.equal(result.status, 200);
    assert.equal(result.body.counts.alreadyGone, 2);
    assert.equal(result.body.counts.failed, 0);
  });
});

describe("a request's scope", () => {
  const listedPools = () =>
    harness.emulator
      .calls()
      .filter((call) => call.operation === "listUserSessions")
      .map((call) => `${call.subscriptionId?.slice(0, 8)}/${call.resourceGroup}/${call.hostPool}`)
      .sort();

  it("narrows to the requested subscriptions: nothing is listed or touched elsewhere", async () => {
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      subscriptionIds: [subscriptionB.toUpperCase()],
    });
    assert.equal(result.status, 200);
    assert.deepEqual(result.body.scope.subscriptionIds, [subscriptionB]);
    assert.deepEqual(listedPools(), ["bbbbbbbb/RG-1/HP-1"]);
    assert.deepEqual(harness.remaining(), [...bystanders, ...alices].sort());
  });

  it("narrows to the named host pools, by name in any case or by id in any case, and to no other pool", async () => {
    const byName = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      hostPools: ["hp-2"],
    });
    assert.equal(byName.status, 200);
    assert.deepEqual(listedPools(), ["aaaaaaaa/RG-1/HP-2"]);
    assert.deepEqual(harness.remaining(), [...bystanders, ...alices].sort());

    harness.emulator.clearCalls();
    const byId = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      hostPools: [poolPath(subscriptionA, "rg-1", "hp-1").toLowerCase()],
    });
    assert.equal(byId.status, 200);
    assert.deepEqual(listedPools(), ["aaaaaaaa/RG-1/HP-1"]);
    assert.equal(
      harness.emulator.calls().filter((call) => call.subscriptionId === subscriptionB).length,
      0,
      "a subscription no host pool id names is not listed",
    );
    assert.deepEqual(harness.remaining(), [...bystanders].sort());
  });

  it("keeps every subscription in scope when names and ids are mixed, and names the selectors nothing matched", async () => {
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      hostPools: [poolPath(subscriptionA, "RG-2", "HP-1"), "HP-2", "HP-nowhere"],
      dryRun: true,
    });
    assert.equal(result.status, 200);
    assert.deepEqual(listedPools(), ["aaaaaaaa/RG-1/HP-2", "aaaaaaaa/RG-2/HP-1"]);
    assert.equal(harness.emulator.calls().filter((call) => call.operation === "listHostPools").length, 2);
    assert.deepEqual(result.body.hostPoolsNotFound, ["HP-nowhere"]);
  });

  it("never widens: a subscription outside AVD_SUBSCRIPTION_IDS, or a host pool id outside the subscriptions in scope, is a 400 and nothing is called", async () => {
    for (const [settings, body] of [
      [{ AVD_SUBSCRIPTION_IDS: subscriptionA }, { subscriptionIds: [subscriptionB] }],
      [{ AVD_SUBSCRIPTION_IDS: subscriptionA }, { subscriptionIds: [subscriptionA, subscriptionB] }],
      [{ AVD_SUBSCRIPTION_IDS: subscriptionA }, { hostPools: [poolPath(subscriptionB, "RG-1", "HP-1")] }],
      [{}, { subscriptionIds: [subscriptionA], hostPools: ["HP-2", poolPath(subscriptionB, "RG-1", "HP-1")] }],
    ] as const) {
      const result = await harness.post(harness.handler(settings), { userPrincipalName: "alice@contoso.com", ...body });
      assert.equal(result.status, 400, JSON.stringify(body));
      assert.equal(result.body.error?.code, "ValidationError");
    }
    assert.equal(harness.emulator.calls().length, 0);
    assert.deepEqual(harness.remaining(), [...bystanders, ...alices].sort());
  });
});

describe("a host pool listed with an id that is not a host pool's", () => {
  it("is reported and never scanned, while the other host pools are", async () => {
    const listedPool = (id: string, name: string) => ({ id, name });
    harness.emulator.load(
      guardScenario([
        {
          match: { operation: "listHostPools", subscriptionId: subscriptionA },
          status: 200,
          body: "json",
          json: {
            value: [
              listedPool(
                `/subscriptions/${subscriptionA}/resourceGroups/RG-1/providers/Microsoft.Compute/hostPools/HP-1`,
                "HP-1",
              ),
              listedPool(`${poolPath(subscriptionA, "RG-1", "HP-1")}/sessionHosts/${host}`, "HP-1"),
              listedPool(poolPath(subscriptionA, "RG-1", "HP-2"), "HP-2"),
            ],
          },
        },
      ]),
    );
    const result = await harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
    assert.equal(result.status, 502);
    assert.deepEqual(
      result.body.errors.map((error) => [error.scope, error.subscriptionId, error.hostPool, error.code]),
      [
        ["hostPool", subscriptionA, "HP-1", "UnrecognizedResourceId"],
        ["hostPool", subscriptionA, "HP-1", "UnrecognizedResourceId"],
      ],
    );
    assert.deepEqual(
      harness.emulator
        .calls()
        .filter((call) => call.operation === "listUserSessions")
        .map((call) => `${call.subscriptionId?.slice(0, 8)}/${call.resourceGroup}/${call.hostPool}`)
        .sort(),
      ["aaaaaaaa/RG-1/HP-2", "bbbbbbbb/RG-1/HP-1"],
    );
    assert.deepEqual(harness.remaining(), [...bystanders, ...alices].sort());
  });
});

describe("disconnecting with a message first", () => {
  it("posts each action to its own path, counts only a 200 as done, and reports a failed message", async () => {
    harness.emulator.load(
      guardScenario([
        {
          match: { operation: "sendMessage", sessionId: "1" },
          status: 409,
          code: "Conflict",
          message: "Busy",
          count: 1,
        },
      ]),
    );
    const states = () =>
      harness.emulator
        .sessions()
        .filter((session) => session.userPrincipalName === "alice@contoso.com")
        .map(
          (session) => `${session.sessionHost}/${session.sessionId} ${session.sessionState} ${session.messages.length}`,
        )
        .sort();
    const notify = { title: "Maintenance", message: "Please save your work." };
    const result = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      mode: "disconnect",
      notify,
    });
    assert.equal(result.status, 200);
    assert.deepEqual(
      result.body.sessions
        .map((session) => [session.sessionHost, session.outcome, session.notification, session.notificationError?.code])
        .sort(),
      [
        [host, "disconnected", "failed", "Conflict"],
        [otherHost, "alreadyDisconnected", "notShown", undefined],
      ],
    );
    assert.deepEqual(states(), [`${host}/1 Disconnected 0`, `${otherHost}/1 Disconnected 0`]);
    const posts = harness.emulator.calls().filter((call) => call.method !== "GET");
    assert.deepEqual(
      posts.map((call) => [call.method, call.operation, call.query.force]),
      [
        ["POST", "sendMessage", undefined],
        ["POST", "disconnectUserSession", undefined],
      ],
    );
    assert.equal(harness.remaining().length, bystanders.length + alices.length);

    // Delivered this time; a disconnect answered 204 (not the service's answer) is not counted as done.
    harness.emulator.load(
      guardScenario([{ match: { operation: "disconnectUserSession" }, status: 204, body: "json", json: null }]),
    );
    const again = await harness.post(harness.handler(), {
      userPrincipalName: "alice@contoso.com",
      mode: "disconnect",
      notify,
    });
    assert.equal(again.status, 502);
    assert.deepEqual(
      again.body.sessions.map((session) => [session.sessionHost, session.outcome, session.notification]).sort(),
      [
        [host, "failed", "sent"],
        [otherHost, "alreadyDisconnected", "notShown"],
      ],
    );
    const delivered = harness.emulator
      .sessions()
      .find((session) => session.userPrincipalName === "alice@contoso.com" && session.sessionState === "Active");
    assert.deepEqual(
      delivered?.messages.map((message) => [message.messageTitle, message.messageBody]),
      [[notify.title, notify.message]],
    );
  });
});
