import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPoolActivityLock, type PoolActivityLock } from "../../../src/lib/engine/poolActivityLock";
import { createGate, settle, watch, type Watched } from "../../support/gate";

type Activity = "listing" | "deleting";

interface HeldTask {
  readonly result: Watched<string>;
  readonly started: () => boolean;
  /** Lets the task finish (or fail, with `fail`). */
  finish(outcome?: "fail"): void;
}

/**
 * Runs gated tasks through one lock and records, at each start, whether the other activity was
 * running in the same pool: the overlap the lock exists to prevent.
 */
function lockUnderTest() {
  const lock: PoolActivityLock = createPoolActivityLock();
  const running = new Map<string, Activity>();
  const overlaps: string[] = [];
  let next = 0;
  const run = (pool: string, activity: Activity, signal?: AbortSignal): HeldTask => {
    const name = `${pool}/${activity}#${++next}`;
    const gate = createGate();
    let started = false;
    let failing = false;
    const result = watch(
      lock.run(
        pool,
        activity,
        async () => {
          started = true;
          for (const [other, otherActivity] of running) {
            if (other.startsWith(`${pool}/`) && otherActivity !== activity) overlaps.push(`${name} during ${other}`);
          }
          running.set(name, activity);
          await gate.promise;
          running.delete(name);
          if (failing) throw new Error(`${name} failed`);
          return name;
        },
        signal,
      ),
    );
    return {
      result,
      started: () => started,
      finish: (outcome) => {
        failing = outcome === "fail";
        gate.open();
      },
    };
  };
  return { run, overlaps };
}

describe("poolActivityLock (listings and deletes of a host pool never overlap)", () => {
  it("holds a delete until the listing of its pool has finished, and a listing until the delete has", async () => {
    const { run, overlaps } = lockUnderTest();
    const listing = run("pool-a", "listing");
    const deleting = run("pool-a", "deleting");
    await settle();
    assert.equal(listing.started(), true);
    assert.equal(deleting.started(), false);

    const relisting = run("pool-a", "listing");
    listing.finish();
    await settle();
    assert.equal(deleting.started(), true);
    assert.equal(relisting.started(), false);

    deleting.finish();
    await settle();
    assert.equal(relisting.started(), true);
    relisting.finish();
    await settle();
    assert.deepEqual(
      [listing, deleting, relisting].map((task) => task.result.value),
      ["pool-a/listing#1", "pool-a/deleting#2", "pool-a/listing#3"],
    );
    assert.deepEqual(overlaps, []);
  });

  it("runs any number of listings of one pool together, and any number of deletes", async () => {
    const { run } = lockUnderTest();
    const listings = [run("pool-a", "listing"), run("pool-a", "listing"), run("pool-a", "listing")];
    await settle();
    assert.deepEqual(
      listings.map((task) => task.started()),
      [true, true, true],
    );
    listings.forEach((task) => task.finish());
    const deletes = [run("pool-a", "deleting"), run("pool-a", "deleting")];
    await settle();
    assert.deepEqual(
      deletes.map((task) => task.started()),
      [true, true],
    );
  });

  it("serves waiters in arrival order, so that a stream of listings cannot starve a delete", async () => {
    const { run, overlaps } = lockUnderTest();
    const first = run("pool-a", "listing");
    const deleting = run("pool-a", "deleting");
    const [second, third] = [run("pool-a", "listing"), run("pool-a", "listing")];
    await settle();
    assert.equal(second.started(), false, "a listing arriving after a waiting delete waits behind it");

    first.finish();
    await settle();
    assert.equal(deleting.started(), true);
    assert.equal(second.started(), false);

    deleting.finish();
    await settle();
    assert.deepEqual([second.started(), third.started()], [true, true], "the listings behind it start together");
    assert.deepEqual(overlaps, []);
  });

  it("runs different pools in parallel", async () => {
    const { run } = lockUnderTest();
    const listingA = run("pool-a", "listing");
    const deletingB = run("pool-b", "deleting");
    await settle();
    assert.deepEqual([listingA.started(), deletingB.started()], [true, true]);
  });

  it("rejects a waiter whose signal aborts with an AbortError, never runs it, and lets those behind it go", async () => {
    const { run } = lockUnderTest();
    const listing = run("pool-a", "listing");
    const leaving = new AbortController();
    const deleting = run("pool-a", "deleting", leaving.signal);
    const nextListing = run("pool-a", "listing");
    await settle();
    leaving.abort();
    await settle();
    assert.equal((deleting.result.error as Error).name, "AbortError");
    assert.equal(deleting.started(), false);
    assert.equal(nextListing.started(), true, "no longer behind a delete, it joins the running listing");

    listing.finish();
    nextListing.finish();
    const laterDelete = run("pool-a", "deleting");
    await settle();
    assert.equal(laterDelete.started(), true, "the aborted waiter holds nothing");
    assert.equal(deleting.started(), false);
  });

  it("rejects at once, running nothing, when the signal has already aborted", async () => {
    const { run } = lockUnderTest();
    const refused = run("pool-a", "listing", AbortSignal.abort());
    await settle();
    assert.equal((refused.result.error as Error).name, "AbortError");
    assert.equal(refused.started(), false);
    const deleting = run("pool-a", "deleting");
    await settle();
    assert.equal(deleting.started(), true);
  });

  it("frees the pool when a task fails, and passes the failure to its caller", async () => {
    const { run } = lockUnderTest();
    const listing = run("pool-a", "listing");
    const deleting = run("pool-a", "deleting");
    listing.finish("fail");
    await settle();
    assert.equal((listing.result.error as Error).message, "pool-a/listing#1 failed");
    assert.equal(deleting.started(), true);
  });
});
