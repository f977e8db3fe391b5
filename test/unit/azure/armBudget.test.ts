import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createArmBudget, type ArmBudgetLimits, type ArmRequestKind } from "../../../src/lib/azure/armBudget";
import { createManualClock } from "../../support/manualClock";

const limits = (overrides: Partial<ArmBudgetLimits> = {}): ArmBudgetLimits => ({
  read: { burst: 250, perSecond: 25 },
  delete: { burst: 200, perSecond: 10 },
  write: { burst: 200, perSecond: 10 },
  maxInFlight: 64,
  ...overrides,
});

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("the instance's ARM budget", () => {
  it("lets actions go ahead of listings when both wait for a slot", async () => {
    const budget = createArmBudget(limits({ maxInFlight: 1 }), createManualClock());
    const order: string[] = [];
    const holder = await budget.acquire({ subscriptionId: "s", kind: "read" });
    const take = (kind: ArmRequestKind, name: string) =>
      budget.acquire({ subscriptionId: "s", kind }).then((release) => {
        order.push(name);
        release();
      });
    const waiting = [
      take("read", "list 1"),
      take("read", "list 2"),
      take("delete", "delete"),
      take("write", "message"),
    ];
    assert.deepEqual(budget.waiting, { reads: 2, actions: 2 });
    holder();
    await Promise.all(waiting);
    assert.deepEqual(order, ["delete", "message", "list 1", "list 2"]);
  });

  it("spends each subscription's own bucket and refills it at ARM's rate", async () => {
    const clock = createManualClock();
    const budget = createArmBudget(limits({ read: { burst: 2, perSecond: 4 } }), clock);
    const granted: string[] = [];
    const read = (subscriptionId: string, name: string) =>
      budget.acquire({ subscriptionId, kind: "read" }).then((release) => {
        granted.push(name);
        release();
      });
    const all = [read("a", "a1"), read("a", "a2"), read("a", "a3"), read("b", "b1")];
    await turn();
    assert.deepEqual(granted.sort(), ["a1", "a2", "b1"], "a's burst of 2 is spent; b has its own");
    clock.advance(249);
    await turn();
    assert.equal(granted.length, 3, "no token before a quarter second at 4 per second");
    clock.advance(1);
    await Promise.all(all);
    assert.deepEqual(granted.sort(), ["a1", "a2", "a3", "b1"]);
  });

  it("never has more requests in flight than its sockets", async () => {
    const budget = createArmBudget(limits({ maxInFlight: 3 }), createManualClock());
    const releases = await Promise.all([0, 1, 2].map(() => budget.acquire({ subscriptionId: "s", kind: "delete" })));
    let fourth = false;
    const late = budget.acquire({ subscriptionId: "s", kind: "delete" }).then((release) => {
      fourth = true;
      return release;
    });
    await turn();
    assert.equal(budget.inFlight, 3);
    assert.equal(fourth, false);
    releases[0]!();
    (await late)();
    assert.equal(fourth, true);
  });

  it("stops waiting, without a token spent, when the request's deadline aborts", async () => {
    const budget = createArmBudget(limits({ maxInFlight: 1 }), createManualClock());
    const holder = await budget.acquire({ subscriptionId: "s", kind: "read" });
    const deadline = new AbortController();
    const waiting = budget.acquire({ subscriptionId: "s", kind: "delete" }, deadline.signal);
    deadline.abort();
    await assert.rejects(waiting, { name: "AbortError" });
    assert.deepEqual(budget.waiting, { reads: 0, actions: 0 });
    holder();
    assert.equal(budget.inFlight, 0);
  });
});
