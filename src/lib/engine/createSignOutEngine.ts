import type { Clock } from "../base/clock";
import type { AvdArm } from "../azure/avdClient";
import { protectedAccountsOf } from "./findProtectedAccounts";
import { createPoolActivityLock } from "./poolActivityLock";
import { createScanCoordinator } from "./scanCoordinator";
import { serveSignOut } from "./serveSignOut";
import { openSharedScan, type SharedScan } from "./sharedScan";
import type { SignOutOrder, SignOutOptions } from "./signOutOrder";
import type { SignOutReport } from "./report/signOutReport";

export interface SignOutEngineDependencies {
  readonly arm: AvdArm;
  readonly clock: Clock;
  readonly scanGatherMs: number;
  /** The operator has confirmed `$filter` compares UPNs case-insensitively: see `chooseListingStrategy`. */
  readonly serverSideFilter: boolean;
  /** How long verification waits for a lagging listing to catch up: see `verifySessions`. */
  readonly verifyWindowMs: number;
  /** AVD_PROTECTED_USERS (UPNs and object ids): their sessions are never acted on. */
  readonly protectedUsers?: readonly string[] | undefined;
}

export type SignOut = (job: SignOutOrder, options: SignOutOptions) => Promise<SignOutReport>;

/**
 * One engine per instance: every request (HTTP or queue) goes through the same coordinator, so
 * concurrent requests share scans, and through the same pool lock, so no scan's listing of a host
 * pool overlaps another's deletes in it.
 */
export function createSignOutEngine(dependencies: SignOutEngineDependencies): SignOut {
  const lock = createPoolActivityLock();
  const protectedAccounts = protectedAccountsOf(dependencies.protectedUsers ?? []);
  const coordinator = createScanCoordinator<SharedScan>({
    clock: dependencies.clock,
    gatherMs: dependencies.scanGatherMs,
    openScan: (signals) => openSharedScan(dependencies.arm, lock, signals),
  });
  return async (job, options) => {
    const leave = coordinator.enter();
    try {
      return await serveSignOut(
        job,
        {
          arm: dependencies.arm,
          clock: dependencies.clock,
          lock,
          serverSideFilter: dependencies.serverSideFilter,
          verifyWindowMs: dependencies.verifyWindowMs,
          protectedAccounts,
          join: (signal) => coordinator.join(signal),
          journal: options.journal,
        },
        options.abortSignal,
      );
    } finally {
      leave();
    }
  };
}
