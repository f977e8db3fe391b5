import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createScanCoordinator, type ScanMembership } from "../../../src/lib/engine/scanCoordinator";
import { settle, watch } from "../../support/gate";
import { createManualClock } from "../../support/manualClock";

const gatherMs = 10;

/** A coordinator whose scans are numbered 1, 2, …; `opened` holds each scan's members' signals. */
function coordinator() {
  const clock = createManualClock();
  const opened: Array<readonly AbortSignal[]> = [];
  const scans = createScanCoordinator<number>({
    clock,
    gatherMs,
    openScan: (signals) => opened.push(signals),
  });
  // One more request in flight (acting, verifying) that has not joined: others hold the door for it.
  // A lone request opens its scan at once (scanCoordinatorLoneRequest.test.ts).
  scans.enter();
  // Each request is in flight from before it joins, as the engine counts it.
  const join = (signal: AbortSignal = new AbortController().signal) => {
    scans.enter();
    return watch(scans.join(signal));
  };
  return { clock, opened, join };
}

function membership(joined: { readonly value: ScanMembership<number> | undefined }): ScanMembership<number> {
  assert.ok(joined.value !== undefined, "admitted to a scan");
  return joined.value;
}

describe("scanCoordinator (group commit of sign-out scans)", () => {
  it("holds a request's scan open for the gathering window while another is in flight, then opens it", async () => {
    const { clock, opened, join } = coordinator();
    const alone = join();
    await settle();
    assert.deepEqual(clock.remaining(), [gatherMs]);
    clock.advance(gatherMs - 1);
    await settle();
    assert.equal(alone.settled, false);
    clock.advance(1);
    await settle();
    assert.equal(membership(alone).scan, 1);
    assert.equal(opened.length, 1);
  });

  it("lists once for every request that joins during the gathering window", async () => {
    const { clock, opened, join } = coordinator();
    const controllers = Array.from({ length: 5 }, () => new AbortController());
    const joined = controllers.map((controller) => join(controller.signal));
    await settle();
    assert.equal(clock.pending(), 1, "one window, however many join");
    clock.advance(gatherMs);
    await settle();
    assert.deepEqual(
      joined.map((member) => membership(member).scan),
      [1, 1, 1, 1, 1],
    );
    assert.equal(opened.length, 1);
    assert.deepEqual(
      opened[0],
      controllers.map((controller) => controller.signal),
    );
  });

  it("serves a request that arrives while a scan is listing with the next scan, never the running one", async () => {
    const { clock, opened, join } = coordinator();
    const first = join();
    await settle();
    clock.advance(gatherMs);
    await settle();
    const late = join();
    await settle();
    clock.advance(gatherMs);
    await settle();
    assert.equal(late.settled, false, "not admitted while the first scan lists");
    assert.equal(opened.length, 1);

    membership(first).doneListing();
    await settle();
    // It has waited out a whole scan already: no second gathering window.
    assert.equal(membership(late).scan, 2);
    assert.equal(clock.pending(), 0);
  });

  it("opens the next scan only once every member of the running one has finished listing", async () => {
    const { clock, join } = coordinator();
    const a = join();
    const b = join();
    await settle();
    clock.advance(gatherMs);
    await settle();
    const next = join();
    membership(a).doneListing();
    membership(a).doneListing();
    await settle();
    assert.equal(next.settled, false, "one member finishing twice is not two members finishing");
    membership(b).doneListing();
    await settle();
    assert.equal(membership(next).scan, 2);
  });

  it("rejects a waiter whose signal aborts with an AbortError, and never admits it", async () => {
    const { clock, opened, join } = coordinator();
    const first = join();
    await settle();
    clock.advance(gatherMs);
    await settle();
    const leaving = new AbortController();
    const left = join(leaving.signal);
    const staying = new AbortController();
    const stayed = join(staying.signal);
    leaving.abort();
    await settle();
    assert.equal(left.settled, true);
    assert.equal((left.error as Error).name, "AbortError");

    membership(first).doneListing();
    await settle();
    assert.deepEqual(opened[1], [staying.signal]);
    // Had the aborted waiter been counted in, its listing would never end and no scan would open again.
    membership(stayed).doneListing();
    const later = join();
    await settle();
    clock.advance(gatherMs);
    await settle();
    assert.equal(membership(later).scan, 3);
  });

  it("opens no scan for a gathering window whose every waiter left", async () => {
    const { clock, opened, join } = coordinator();
    const leaving = new AbortController();
    const left = join(leaving.signal);
    await settle();
    leaving.abort();
    clock.advance(gatherMs);
    await settle();
    assert.equal((left.error as Error).name, "AbortError");
    assert.equal(opened.length, 0);
    const next = join();
    await settle();
    clock.advance(gatherMs);
    await settle();
    assert.equal(membership(next).scan, 1);
  });

  it("rejects at once, opening nothing, when the signal has already aborted", async () => {
    const { clock, opened, join } = coordinator();
    const aborted = join(AbortSignal.abort());
    await settle();
    assert.equal((aborted.error as Error).name, "AbortError");
    assert.equal(clock.pending(), 0);
    assert.equal(opened.length, 0);
  });
});
