import type { EmulatorEngine } from "../emulatorEngine";
import type { HostPoolRecord, SessionHostRecord, SubscriptionRecord } from "../emulatorWorld";
import type { ArmRouteParams } from "../matchArmRoute";
import { armError, resourceNotFound, type ArmReply } from "./armReply";

/** Resource names in paths match case-insensitively, as ARM's do. */
export function findSubscription(engine: EmulatorEngine, subscriptionId: string): SubscriptionRecord | undefined {
  return engine.world.subscriptions.find(
    (subscription) => subscription.id.toLowerCase() === subscriptionId.toLowerCase(),
  );
}

export function findHostPool(
  subscription: SubscriptionRecord,
  params: ArmRouteParams,
): { pool: HostPoolRecord } | { error: ArmReply } {
  const resourceGroup = params.resourceGroup ?? "";
  const inGroup = subscription.hostPools.filter(
    (pool) => pool.resourceGroup.toLowerCase() === resourceGroup.toLowerCase(),
  );
  if (inGroup.length === 0) {
    return { error: armError(404, "ResourceGroupNotFound", `Resource group '${resourceGroup}' could not be found.`) };
  }
  const pool = inGroup.find((candidate) => candidate.name.toLowerCase() === (params.hostPool ?? "").toLowerCase());
  if (pool === undefined) {
    return { error: resourceNotFound(`hostPools/${params.hostPool}`, resourceGroup) };
  }
  return { pool };
}

export function findSessionHost(
  pool: HostPoolRecord,
  params: ArmRouteParams,
): { host: SessionHostRecord } | { error: ArmReply } {
  const host = pool.sessionHosts.find(
    (candidate) => candidate.name.toLowerCase() === (params.sessionHost ?? "").toLowerCase(),
  );
  if (host === undefined) {
    return { error: resourceNotFound(`hostPools/${pool.name}/sessionHosts/${params.sessionHost}`, pool.resourceGroup) };
  }
  return { host };
}

/** The latency stage's setting: the most specific wins (host pool, then subscription, then scenario). */
export function latencyFor(engine: EmulatorEngine, params: Partial<ArmRouteParams>): number {
  const scenario = engine.scenario;
  if (params.subscriptionId === undefined) return scenario.latencyMs;
  const subscription = findSubscription(engine, params.subscriptionId);
  if (subscription === undefined) return scenario.latencyMs;
  const pool =
    params.hostPool === undefined
      ? undefined
      : subscription.hostPools.find(
          (candidate) =>
            candidate.name.toLowerCase() === params.hostPool?.toLowerCase() &&
            candidate.resourceGroup.toLowerCase() === params.resourceGroup?.toLowerCase(),
        );
  return pool?.latencyMs ?? subscription.latencyMs ?? scenario.latencyMs;
}
