import type { EmulatorEngine } from "../emulatorEngine";
import type { SubscriptionRecord } from "../emulatorWorld";
import type { ArmRouteParams } from "../matchArmRoute";
import type { ArmOperation } from "../scenario";
import type { ArmReply } from "./armReply";
import type { ArmRequest } from "./armRequest";
import { findHostPool, findSessionHost } from "./findArmResources";
import { listHostPools, listSessionHosts } from "./hostPoolListings";
import { runUserSessionOperation } from "./userSessionActions";
import { listSessionHostUserSessions, listUserSessions } from "./userSessionListings";

/** The resource stage: finds the host pool and session host the path names, then runs the operation. */
export function performArmOperation(
  engine: EmulatorEngine,
  context: ArmRequest,
  operation: ArmOperation,
  params: ArmRouteParams,
  subscription: SubscriptionRecord,
): ArmReply {
  if (operation === "listHostPools") return listHostPools(context, subscription);
  const poolLookup = findHostPool(subscription, params);
  if ("error" in poolLookup) return poolLookup.error;
  const { pool } = poolLookup;
  if (operation === "listUserSessions") return listUserSessions(engine, context, pool);
  if (operation === "listSessionHosts") return listSessionHosts(context, pool);

  const hostLookup = findSessionHost(pool, params);
  if ("error" in hostLookup) return hostLookup.error;
  const { host } = hostLookup;
  if (operation === "listSessionHostUserSessions") return listSessionHostUserSessions(engine, context, pool, host);
  return runUserSessionOperation(engine, context, operation, pool, host, params.sessionId);
}
