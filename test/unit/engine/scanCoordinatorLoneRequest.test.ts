import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createScanCoordinator } from "../../../src/lib/engine/scanCoordinator";
import { createManualClock, eventually } from "../../support/manualClock";

function coordinator() {
  const clock = createManualClock();
  let scans = 0;
  const scanCoordinator = createScanCoordinator<number>({ clock, gatherMs: 10, openScan: () => ++scans });
  return { clock, scanCoordinator, scans: () => scans };
}

const live = (): AbortSignal => new AbortController().signal;

/** A request as the engine makes it: in flight, then joining. */
function request(scanCoordinator: ReturnType<typeof coordinator>["scanCoordinator"]) {
  const leave = scanCoordinator.enter();
  let joined: number | undefined;
  const membership = scanCoordinator.join(live()).then((m) => {
    joined = m.scan;
    return m;
  });
  return { leave, membership, joined: () => joined };
}

describe("scan coordinator", () => {
  it("opens a lone request's scan at once, without waiting out the gathering window", async () => {
    const { clock, scanCoordinator } = coordinator();
    const lone = request(scanCoordinator);
    assert.equal((await lone.membership).scan, 1);
    assert.equal(clock.pending(), 0, "no gathering window was held");
  });

  it("holds the door for the gathering window while another request is in flight, and gathers who joins meanwhile", async () => {
    const { clock, scanCoordinator } = coordinator();
    const first = request(scanCoordinator);
    const membership = await first.membership;
    membership.doneListing();
    // The first request still acts: a newcomer waits for the window, and so does one more.
    const second = request(scanCoordinator);
    const third = request(scanCoordinator);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(second.joined(), undefined);
    assert.deepEqual(clock.remaining(), [10]);
    clock.advance(10);
    await eventually(() => second.joined() !== undefined && third.joined() !== undefined, "the window to open");
    assert.equal(second.joined(), 2);
    assert.equal(third.joined(), 2, "both share the scan the window opened");
  });

  it("serves a request that arrives while a scan is listing by the next scan, opened once the listing ends", async () => {
    const { clock, scanCoordinator, scans } = coordinator();
    const first = request(scanCoordinator);
    const membership = await first.membership;
    const second = request(scanCoordinator);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(second.joined(), undefined, "it waits for the running scan's listings");
    assert.equal(scans(), 1);
    membership.doneListing();
    await eventually(() => second.joined() !== undefined, "the next scan to open");
    assert.equal(second.joined(), 2);
    assert.equal(clock.pending(), 0, "requests that waited out a scan have gathered already");
  });

  it("opens at once again once the others have left", async () => {
    const { scanCoordinator } = coordinator();
    const first = request(scanCoordinator);
    (await first.membership).doneListing();
    first.leave();
    const next = request(scanCoordinator);
    assert.equal((await next.membership).scan, 2);
  });
});
