import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { startAsyncHarness, type AsyncHarness } from "./asyncHarness";
import { tenantScenario } from "../integration/tenantScenario";
import type { Scenario } from "../../emulator/scenario";

let harness: AsyncHarness;

before(async () => {
  // A short window: a stuck session is declared still present after one back-off step.
  harness = await startAsyncHarness(tenantScenario(), { AVD_VERIFY_WINDOW_SECONDS: "1" });
});
after(() => harness.close());
beforeEach(async () => {
  await harness.queue.clearMessages();
  harness.emulator.load(tenantScenario());
});

/** Alice's session 1 on host-a1 answers its DELETE and stays listed. */
function withStuckSession(): Scenario {
  const scenario = tenantScenario();
  const session = scenario.subscriptions[0]?.hostPools?.[0]?.sessionHosts?.[0]?.sessions?.find((s) => s.id === "1");
  if (session === undefined) throw new Error("the tenant scenario changed: alice's session 1 is gone");
  Object.assign(session, { stuck: true });
  return scenario;
}

describe("asynchronous jobs verify by default", () => {
  it("lists the acted-in pools again and marks every removed session verified", async () => {
    const accepted = await harness.post({ userPrincipalName: "alice@contoso.com" }, { prefer: "respond-async" });
    await harness.drain();
    const done = await harness.get(accepted.headers.location!);
    assert.equal(done.status, 200);
    assert.equal(done.body.counts.signedOut, 4);
    assert.equal((done.body.counts as unknown as { verified: number }).verified, 4);
    assert.ok(done.body.sessions.every((session) => (session as { verified?: boolean }).verified === true));
  });

  it("reports a session that a successful delete did not remove as stillPresent, and the operation 502", async () => {
    harness.emulator.load(withStuckSession());
    const accepted = await harness.post({ userPrincipalName: "alice@contoso.com" }, { prefer: "respond-async" });
    await harness.drain();
    const done = await harness.get(accepted.headers.location!);
    assert.equal(done.status, 502);
    assert.equal(done.body.status, "failed");
    const stuck = done.body.sessions.filter((session) => session.outcome === ("stillPresent" as string));
    assert.deepEqual(
      stuck.map((session) => `${session.sessionHost}/${session.sessionId}`),
      ["host-a1.contoso.com/1"],
    );
    assert.equal((done.body.counts as unknown as { verified: number }).verified, 3);
  });

  it("lists no pool again when the request says verify: false: as many listings as a dry run", async () => {
    const listings = () => harness.emulator.calls().filter((call) => call.operation === "listUserSessions").length;
    const run = async (body: Record<string, unknown>): Promise<number> => {
      harness.emulator.load(tenantScenario());
      const accepted = await harness.post(
        { userPrincipalName: "alice@contoso.com", ...body },
        { prefer: "respond-async" },
      );
      await harness.drain();
      const done = await harness.get(accepted.headers.location!);
      assert.equal(done.status, 200);
      return listings();
    };
    const dryRun = await run({ dryRun: true });
    const unverified = await run({ verify: false });
    const verified = await run({});
    assert.equal(unverified, dryRun);
    assert.ok(verified > unverified, `${verified} listings with verification, ${unverified} without`);
  });
});
