import type { TokenCredential } from "@azure/core-auth";
import type { CommonClientOptions } from "@azure/core-client";
import { DesktopVirtualizationAPIClient } from "@azure/arm-desktopvirtualization";
import type { AppConfig } from "./appConfig";
import type { AvdClientFactory } from "./avdClient";

/** Pipeline options a host may add: extra trusted CAs, proxy, retry tuning. */
export type ArmPipelineOptions = Pick<CommonClientOptions, "tlsOptions" | "proxyOptions" | "retryOptions">;

/**
 * One SDK client per subscription, built on first use and kept for the life of the instance so
 * that warm requests reuse connections and the credential's token cache.
 */
export function createAvdClientFactory(
  credential: TokenCredential,
  config: Pick<AppConfig, "resourceManagerEndpoint" | "tokenScope">,
  pipelineOptions: ArmPipelineOptions = {},
): AvdClientFactory {
  const clients = new Map<string, DesktopVirtualizationAPIClient>();
  return (subscriptionId) => {
    let client = clients.get(subscriptionId);
    if (client === undefined) {
      // `$host` decides where requests go; `endpoint`/`credentialScopes` decide the token audience.
      client = new DesktopVirtualizationAPIClient(credential, subscriptionId, {
        ...pipelineOptions,
        $host: config.resourceManagerEndpoint,
        endpoint: config.resourceManagerEndpoint,
        credentialScopes: [config.tokenScope],
        userAgentOptions: { userAgentPrefix: "avd-user-signout" },
      });
      clients.set(subscriptionId, client);
    }
    return client;
  };
}
