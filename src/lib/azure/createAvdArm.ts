import { Agent } from "node:https";
import type { TokenCredential } from "@azure/core-auth";
import type { CommonClientOptions } from "@azure/core-client";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { DesktopVirtualizationAPIClient } from "@azure/arm-desktopvirtualization";
import type { Clock } from "../base/clock";
import type { AppConfig } from "../config/appConfig";
import { abandonableCredential } from "./abandonableCredential";
import { createArmBudget, type ArmBudget } from "./armBudget";
import { armBudgetPolicy, armGuardPolicy } from "./armPolicies";
import type { AvdArm } from "./avdClient";
import { listHostPools, listUserSessions } from "./listResources";
import { runSessionAction } from "./sessionActions";

/** Pipeline options a host may add: extra trusted CAs, proxy, retry tuning. */
export type ArmPipelineOptions = Pick<CommonClientOptions, "tlsOptions" | "proxyOptions" | "retryOptions">;

type ArmConfig = Pick<AppConfig, "resourceManagerEndpoint" | "tokenScope" | "armBudget">;

/**
 * Retries go on until the request's deadline aborts them rather than stopping after the SDK's
 * default 3 with most of the deadline unused; the budget keeps them from hammering ARM.
 */
const retriesUntilDeadline = 1000;
const maxRetryDelayInMs = 8000;

function useAgentPolicy(agent: Agent): PipelinePolicy {
  return {
    name: "avdUserSignoutSharedAgent",
    sendRequest: (request, next) => {
      request.agent ??= agent;
      return next(request);
    },
  };
}

export interface AvdArmConnection {
  readonly arm: AvdArm;
  readonly budget: ArmBudget;
}

/**
 * The composition of everything that talks to ARM for one instance: one keep-alive agent with a
 * bounded number of sockets, one budget shared by every request, one SDK client per subscription
 * (kept for the life of the instance, so warm requests reuse connections and the token cache).
 */
export function createAvdArm(
  credential: TokenCredential,
  config: ArmConfig,
  clock: Clock,
  pipelineOptions: ArmPipelineOptions = {},
): AvdArmConnection {
  const endpoint = config.resourceManagerEndpoint;
  const budget = createArmBudget(config.armBudget, clock);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: config.armBudget.maxInFlight,
    maxFreeSockets: config.armBudget.maxInFlight,
    ...pipelineOptions.tlsOptions,
  });
  const policies: NonNullable<CommonClientOptions["additionalPolicies"]> = [
    // First, ahead of the bearer-token policy: a request it refuses never gets a token. Every page
    // of a listing is its own call, retries keep the URL, and redirects are not followed.
    { policy: armGuardPolicy(endpoint), position: "perCall" },
    { policy: useAgentPolicy(agent), position: "perCall" },
    { policy: armBudgetPolicy(budget), position: "perRetry" },
  ];

  const tokenSource = abandonableCredential(credential);
  const clients = new Map<string, DesktopVirtualizationAPIClient>();
  const clientFor = (subscriptionId: string): DesktopVirtualizationAPIClient => {
    const key = subscriptionId.toLowerCase();
    let client = clients.get(key);
    if (client === undefined) {
      // `$host` decides where requests go; `endpoint`/`credentialScopes` decide the token audience.
      client = new DesktopVirtualizationAPIClient(tokenSource, subscriptionId, {
        ...pipelineOptions,
        retryOptions: { maxRetries: retriesUntilDeadline, maxRetryDelayInMs, ...pipelineOptions.retryOptions },
        // A redirect would be a new request to wherever ARM pointed: none is expected, none is followed.
        redirectOptions: { maxRetries: 0 },
        $host: endpoint,
        endpoint,
        credentialScopes: [config.tokenScope],
        userAgentOptions: { userAgentPrefix: "avd-user-signout" },
        additionalPolicies: policies,
      });
      clients.set(key, client);
    }
    return client;
  };
  return {
    budget,
    arm: {
      listHostPools: (subscriptionId, options) =>
        listHostPools(clientFor(subscriptionId), endpoint, subscriptionId, options),
      listUserSessions: (hostPool, options) =>
        listUserSessions(clientFor(hostPool.subscriptionId), endpoint, hostPool, options),
      runSessionAction: (ref, action, abortSignal) =>
        runSessionAction(clientFor(ref.subscriptionId), endpoint, ref, action, abortSignal),
    },
  };
}
