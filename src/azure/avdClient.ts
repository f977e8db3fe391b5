import type { HostPools, UserSessions } from "@azure/arm-desktopvirtualization";

/**
 * The slice of `DesktopVirtualizationAPIClient` the engine uses, for one subscription. The real
 * client satisfies it as it is, so paging, retries and Retry-After stay with the SDK pipeline.
 */
export interface AvdSubscriptionClient {
  readonly hostPools: Pick<HostPools, "list">;
  readonly userSessions: Pick<UserSessions, "listByHostPool" | "delete" | "disconnect" | "sendMessage">;
}

export type AvdClientFactory = (subscriptionId: string) => AvdSubscriptionClient;
