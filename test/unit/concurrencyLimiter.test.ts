import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createConcurrencyLimiter } from "../../src/engine/concurrencyLimiter";

interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Lets every already-resolved continuation run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("createConcurrencyLimiter", () => {
  it("never runs more than the limit at once and starts waiters in arrival order", async () => {
    const limiter = createConcurrencyLimiter(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const results = gates.map((g, index) =>
      limiter.run(async () => {
        started.push(index);
        await g.promise;
        return index;
      }),
    );
    await settle();
    assert.deepEqual(started, [0, 1]);
    assert.equal(limiter.active, 2);
    assert.equal(limiter.waiting, 2);

    gates[1]!.open();
    await settle();
    assert.deepEqual(started, [0, 1, 2]);
    assert.equal(limiter.active, 2);

    gates[0]!.open();
    gates[2]!.open();
    gates[3]!.open();
    assert.deepEqual(await Promise.all(results), [0, 1, 2, 3]);
    assert.equal(limiter.active, 0);
    assert.equal(limiter.waiting, 0);
  });

  it("frees the slot of a task that fails", async () => {
    const limiter = createConcurrencyLimiter(1);
    await assert.rejects(
      limiter.run(() => Promise.reject(new Error("boom"))),
      /boom/,
    );
    assert.equal(await limiter.run(() => Promise.resolve("next")), "next");
    assert.equal(limiter.active, 0);
  });

  it("rejects a limit below one", () => {
    assert.throws(() => createConcurrencyLimiter(0), RangeError);
  });
});
