import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Scenario } from "../../emulator/scenario";
import { answerTooLargeCode, maxArmAnswerBytes } from "../../src/lib/azure/armAnswerLimit";
import { eventually } from "../support/manualClock";
import { startSignOutHarness, type SignOutHarness } from "./signOutHarness";

// Answers no page is: endless, or far past any page's size. Each is abandoned once it passes the
// cap — the emulator sees its connection closed before the end — and fails its scope, unread.

const subscription = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const hundredMegabytes = 100 * 1024 * 1024;

function scenario(faults: Scenario["faults"] = []): Scenario {
  return {
    faults,
    subscriptions: [
      {
        id: subscription,
        hostPools: [
          {
            name: "HP-1",
            resourceGroup: "RG-1",
            sessionHosts: [
              {
                name: "h1.contoso.com",
                sessions: [{ id: "1", userPrincipalName: "alice@contoso.com", sessionState: "Active" }],
              },
            ],
          },
        ],
      },
    ],
  };
}

let harness: SignOutHarness;

before(async () => {
  harness = await startSignOutHarness(scenario());
});
after(() => harness.close());
beforeEach(() => harness.emulator.load(scenario()));

async function signOutAlice() {
  return harness.post(harness.handler(), { userPrincipalName: "alice@contoso.com" });
}

async function abandonedAnswer() {
  await eventually(() => harness.emulator.streamedAnswers().length === 1, "the emulator to be done with the answer");
  const [answer] = harness.emulator.streamedAnswers();
  return answer!;
}

const untouched = ["aaaaaaaa/HP-1/h1.contoso.com/1 alice@contoso.com"];

describe("an answer past the size cap", { timeout: 60_000 }, () => {
  it("abandons a 100 MB page of alice's sessions once it passes the cap, and fails the host pool", async () => {
    harness.emulator.load(
      scenario([{ match: { operation: "listUserSessions" }, status: 200, body: "huge", sizeBytes: hundredMegabytes }]),
    );
    const result = await signOutAlice();
    assert.equal(result.status, 502);
    assert.deepEqual(
      result.body.errors.map((error) => [error.scope, error.hostPool, error.code]),
      [["hostPool", "HP-1", answerTooLargeCode]],
    );
    const answer = await abandonedAnswer();
    assert.equal(answer.outcome, "abandoned");
    assert.equal(answer.bodyBytes !== undefined && answer.bodyBytes >= hundredMegabytes, true);
    assert.ok(answer.bodyBytesSent < hundredMegabytes / 2, `${answer.bodyBytesSent} bytes were sent`);
    assert.equal(harness.emulator.calls().filter((call) => call.method === "DELETE").length, 0);
    assert.deepEqual(harness.remaining(), untouched);
  });

  it("abandons an endless session listing, and an endless host pool listing fails its subscription", async () => {
    harness.emulator.load(scenario([{ match: { operation: "listUserSessions" }, status: 200, body: "endless" }]));
    const sessions = await signOutAlice();
    assert.equal(sessions.status, 502);
    assert.deepEqual(
      sessions.body.errors.map((error) => [error.scope, error.code]),
      [["hostPool", answerTooLargeCode]],
    );
    assert.equal((await abandonedAnswer()).outcome, "abandoned");

    harness.emulator.load(scenario([{ match: { operation: "listHostPools" }, status: 200, body: "endless" }]));
    const hostPools = await signOutAlice();
    assert.equal(hostPools.status, 502);
    assert.deepEqual(
      hostPools.body.errors.map((error) => [error.scope, error.code]),
      [["subscription", answerTooLargeCode]],
    );
    assert.equal((await abandonedAnswer()).outcome, "abandoned");
    assert.equal(harness.emulator.calls().filter((call) => call.operation === "listUserSessions").length, 0);
    assert.deepEqual(harness.remaining(), untouched);
  });

  it("counts a gzip answer at its decompressed size: a 100 MB page or an endless one sent compressed is abandoned", async () => {
    for (const fault of [{ body: "huge" as const, sizeBytes: hundredMegabytes }, { body: "endless" as const }]) {
      harness.emulator.load(
        scenario([{ match: { operation: "listUserSessions" }, status: 200, contentEncoding: "gzip", ...fault }]),
      );
      const result = await signOutAlice();
      assert.equal(result.status, 502, fault.body);
      assert.deepEqual(
        result.body.errors.map((error) => [error.scope, error.code]),
        [["hostPool", answerTooLargeCode]],
      );
      const answer = await abandonedAnswer();
      assert.equal(answer.contentEncoding, "gzip");
      // A cap's worth of padding is a few tens of KiB compressed: only its decompressed size could pass the cap.
      assert.ok(answer.bodyBytesSent > maxArmAnswerBytes, `${answer.bodyBytesSent} bytes were sent`);
      // The huge page's compressed whole may already sit in the socket's buffers when the client
      // lets go; the endless one cannot.
      if (fault.body === "endless") assert.equal(answer.outcome, "abandoned");
    }
    assert.deepEqual(harness.remaining(), untouched);
  });

  it("reads a gzip page under the cap as the page it is", async () => {
    harness.emulator.load(
      scenario([
        {
          match: { operation: "listUserSessions" },
          status: 200,
          body: "huge",
          sizeBytes: 1024 * 1024,
          contentEncoding: "gzip",
          count: 1,
        },
      ]),
    );
    const result = await signOutAlice();
    assert.equal(result.status, 200);
    assert.equal((await abandonedAnswer()).outcome, "finished");
    assert.deepEqual(harness.remaining(), []);
  });

  it("reads a page just under the cap as the page it is", async () => {
    harness.emulator.load(
      scenario([
        {
          match: { operation: "listUserSessions" },
          status: 200,
          body: "huge",
          sizeBytes: maxArmAnswerBytes - 64 * 1024,
          count: 1,
        },
      ]),
    );
    const result = await signOutAlice();
    assert.equal(result.status, 200);
    assert.equal((await abandonedAnswer()).outcome, "finished");
    assert.deepEqual(harness.remaining(), []);
  });
});
