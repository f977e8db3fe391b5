import { hostPoolJson, sessionHostJson } from "../armResourceJson";
import type { HostPoolRecord, SubscriptionRecord } from "../emulatorWorld";
import type { ArmReply } from "./armReply";
import type { ArmRequest } from "./armRequest";
import { listPage } from "./listPage";

/** `listHostPools`: a principal without a role at subscription scope sees an empty listing, not a 403. */
export function listHostPools(context: ArmRequest, subscription: SubscriptionRecord): ArmReply {
  const visible = subscription.hidesHostPools ? [] : subscription.hostPools;
  return listPage(context.request, context.url, visible, subscription.hostPoolPageSize, hostPoolJson, "omit");
}

/** `listSessionHosts`: the host pool's session hosts, paged like its sessions. */
export function listSessionHosts(context: ArmRequest, pool: HostPoolRecord): ArmReply {
  return listPage(
    context.request,
    context.url,
    pool.sessionHosts,
    pool.sessionPageSize,
    (host) => sessionHostJson(pool, host),
    "omit",
  );
}
