import type { Scenario } from "../emulator/scenario";

/**
 * ARM's per-subscription, per-principal token buckets since the 2024 throttling architecture, from
 * Microsoft Learn, "Understand how Azure Resource Manager throttles requests"
 * (learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling),
 * as gathered in /work/shared/README.md. The function's managed identity is its own principal, so
 * its buckets start full unless it drains them itself.
 */
export const armThrottlingModel = Object.freeze({
  reads: Object.freeze({ capacity: 250, refillPerSecond: 25 }),
  deletes: Object.freeze({ capacity: 200, refillPerSecond: 10 }),
  writes: Object.freeze({ capacity: 200, refillPerSecond: 10 }),
});

export const armThrottlingSource =
  "Microsoft Learn, 'Understand how Azure Resource Manager throttles requests' (token buckets per subscription and principal since 2024)";

export function withArmThrottling(scenario: Scenario): Scenario {
  return {
    ...scenario,
    throttling: {
      reads: { ...armThrottlingModel.reads },
      deletes: { ...armThrottlingModel.deletes },
      writes: { ...armThrottlingModel.writes },
    },
  };
}
