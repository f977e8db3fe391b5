import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, beforeEach, describe, it } from "node:test";
import { readScenarioFile } from "../../emulator/readScenarioFile";
import { unpackJson } from "../../src/lib/jobs/packedJson";
import { startAsyncHarness, type AsyncHarness, type HttpAnswer } from "./asyncHarness";

// emulator/scenarios/real-tenant.json: see its description for who is who.
const aliceLeaver = "a11ce000-0000-4000-8000-00000000000a";
const aliceNewHire = "a11ce000-0000-4000-8000-00000000000b";
const erin = "e1e00000-0000-4000-8000-00000000000e";

let harness: AsyncHarness;

before(async () => {
  // Verification (on by default for asynchronous requests) lists once and decides at once.
  harness = await startAsyncHarness(readScenarioFile("real-tenant"), { AVD_VERIFY_WINDOW_SECONDS: "0" });
});
after(() => harness.close());

beforeEach(async () => {
  await harness.queue.clearMessages();
  await harness.poisonQueue.clearMessages();
  harness.emulator.load(readScenarioFile("real-tenant"));
});

function remaining(): string[] {
  return harness.emulator
    .sessions()
    .map((s) => `${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.userPrincipalName} ${s.objectId}`)
    .sort();
}

async function pollUntilDone(statusUrl: string, bound = 300): Promise<HttpAnswer> {
  for (let poll = 0; poll < bound; poll++) {
    await harness.pumpOnce();
    const answer = await harness.get(statusUrl);
    if (answer.status !== 202) return answer;
    await delay(50);
  }
  throw new Error(`the operation was still running after ${bound} polls`);
}

/** The users a chunk record holds, as stored. */
async function storedChunkUsers(operationId: string): Promise<unknown> {
  const entity = await harness.table.getEntity<Record<string, unknown>>(operationId, "chunk-0000");
  return unpackJson(entity, "users");
}

const outcomes = (answer: HttpAnswer): string[] =>
  answer.body.sessions
    .map((s) => `${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.outcome} ${s.matchedBy ?? "-"}`)
    .sort();

describe("an asynchronous request naming users by object id", () => {
  it("carries userObjectId through the chunk record and signs out only that account's sessions", async () => {
    const start = remaining();
    const accepted = await harness.post({
      userPrincipalName: "alice@contoso.com",
      userObjectId: aliceNewHire,
      async: true,
    });
    assert.equal(accepted.status, 202);
    assert.deepEqual(await storedChunkUsers(accepted.body.operationId), [
      { userPrincipalName: "alice@contoso.com", objectId: aliceNewHire },
    ]);
    const done = await pollUntilDone(accepted.headers.location!);
    assert.equal(done.status, 200);
    assert.deepEqual(outcomes(done), [
      "HP-Office/office-0.contoso.com/1 otherAccount userPrincipalName",
      "HP-Office/office-0.contoso.com/2 signedOut objectId",
    ]);
    assert.equal(done.body.userPrincipalName, "alice@contoso.com");
    assert.equal((done.body as unknown as { userObjectId?: string }).userObjectId, aliceNewHire);
    assert.deepEqual(
      start.filter((session) => !remaining().includes(session)),
      [`HP-Office/office-0.contoso.com/2 alice@contoso.com ${aliceNewHire}`],
    );
  });

  it("finds a renamed account's sessions from a users batch, stored as given", async () => {
    const accepted = await harness.post(
      { users: [{ objectId: aliceLeaver }, { userPrincipalName: "bob@contoso.com" }] },
      { prefer: "respond-async" },
    );
    assert.equal(accepted.status, 202);
    // A UPN alone is stored as records before object ids held it: a string.
    assert.deepEqual(await storedChunkUsers(accepted.body.operationId), [{ objectId: aliceLeaver }, "bob@contoso.com"]);
    const done = await pollUntilDone(accepted.headers.location!);
    assert.equal(done.status, 200);
    assert.deepEqual(outcomes(done), [
      "HP-Apps/apps-0.contoso.com/1 signedOut objectId",
      "HP-Apps/apps-0.contoso.com/2 signedOut userPrincipalName",
      "HP-Office/office-0.contoso.com/1 signedOut objectId",
      "HP-Office/office-0.contoso.com/4 signedOut userPrincipalName",
    ]);
    assert.deepEqual(
      (done.body.users as unknown as { objectId?: string; userPrincipalName?: string }[]).map((user) => [
        user.objectId,
        user.userPrincipalName,
      ]),
      [
        [aliceLeaver, undefined],
        [undefined, "bob@contoso.com"],
      ],
    );
    assert.ok(!remaining().some((session) => session.includes(aliceLeaver)));
  });

  it("reports a session on a host that is off as stillPresent with its host's status", async () => {
    const accepted = await harness.post({ userObjectId: erin }, { prefer: "respond-async" });
    const done = await pollUntilDone(accepted.headers.location!);
    assert.equal(done.status, 502);
    const [session] = done.body.sessions;
    assert.equal(session?.outcome, "stillPresent");
    assert.equal(session?.sessionHostStatus, "Shutdown");
    assert.ok(remaining().some((s) => s.includes(erin)));
  });

  it("gives the host's status of a session whose action failed, in the full report read from the journal", async () => {
    harness.emulator.load({
      ...readScenarioFile("real-tenant"),
      faults: [{ match: { operation: "deleteUserSession", sessionId: "4" }, status: 409, code: "Conflict" }],
    });
    const accepted = await harness.post({ userPrincipalName: "bob@contoso.com" }, { prefer: "respond-async" });
    const done = await pollUntilDone(accepted.headers.location!);
    assert.equal(done.status, 502);
    const failed = done.body.sessions.find((session) => session.outcome === "failed");
    assert.equal(failed?.sessionId, "4");
    assert.equal(failed?.sessionHostStatus, "Available");
  });
});
