import { Agent } from "node:https";
import type { TokenCredential } from "@azure/core-auth";
import { authorizeRequestOnClaimChallenge, type CommonClientOptions } from "@azure/core-client";
import {
  agentPolicy,
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createEmptyPipeline,
  decompressResponsePolicy,
  defaultRetryPolicy,
  getDefaultProxySettings,
  proxyPolicy,
  setClientRequestIdPolicy,
  userAgentPolicy,
} from "@azure/core-rest-pipeline";
import type { Clock } from "../base/clock";
import type { AppConfig } from "../config/appConfig";
import { abandonableCredential } from "./abandonableCredential";
import { createArmBudget, type ArmBudget } from "./armBudget";
import { boundedAnswerPolicy } from "./armAnswerLimit";
import { armBudgetPolicy, armGuardPolicy } from "./armPolicies";
import type { AvdArm } from "./avdClient";
import { listHostPools, listSessionHosts, listUserSessions, type ArmLister } from "./listResources";
import { runSessionAction } from "./sessionActions";

/** Pipeline options a host may add: extra trusted CAs, proxy, retry tuning. */
export type ArmPipelineOptions = Pick<CommonClientOptions, "tlsOptions" | "proxyOptions" | "retryOptions">;

type ArmConfig = Pick<AppConfig, "resourceManagerEndpoint" | "tokenScope" | "armBudget" | "subscriptionIds">;

/**
 * Retries go on until the request's deadline aborts them rather than stopping after the SDK's
 * default 3 with most of the deadline unused; the budget keeps them from hammering ARM.
 */
const retriesUntilDeadline = 1000;
const maxRetryDelayInMs = 8000;

export interface AvdArmConnection {
  readonly arm: AvdArm;
  readonly budget: ArmBudget;
}

/**
 * The composition of everything that talks to ARM for one instance: one keep-alive agent with a
 * bounded number of sockets, one budget shared by every request, one request pipeline for every
 * subscription (kept for the life of the instance, so warm requests reuse connections and the
 * token cache).
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
  const client = createArmPipeline(abandonableCredential(credential), config, budget, agent, pipelineOptions);
  return {
    budget,
    arm: {
      listHostPools: (subscriptionId, options) => listHostPools(client, endpoint, subscriptionId, options),
      listUserSessions: (hostPool, options) => listUserSessions(client, endpoint, hostPool, options),
      listSessionHosts: (hostPool, options) => listSessionHosts(client, endpoint, hostPool, options),
      runSessionAction: (ref, action, abortSignal) => runSessionAction(client, endpoint, ref, action, abortSignal),
    },
  };
}

/**
 * The SDK client's pipeline, less what raw JSON calls never use (its per-call operation, tracing,
 * logging, serialization and redirect layers), built once over the pipeline's own HTTP client:
 * the origin and subscription guard first, so a request it refuses never gets a token; then the
 * proxy (its agent, when one applies) or the instance's keep-alive agent; compression asked for;
 * retries (429 with Retry-After, 5xx and network errors) until the deadline; per attempt the
 * budget, the token (with ARM's claim challenges, as the SDK's clients answer them) and, next to
 * the transport, the answer read as a stream within its size cap. Every page of a listing is its
 * own call, retries keep the URL, and redirects are not followed.
 */
function createArmPipeline(
  credential: TokenCredential,
  config: ArmConfig,
  budget: ArmBudget,
  agent: Agent,
  pipelineOptions: ArmPipelineOptions,
): ArmLister {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(armGuardPolicy(config.resourceManagerEndpoint, config.subscriptionIds));
  // Without a proxy (none given, none in HTTPS_PROXY and the like) the policy would only pass through.
  if (pipelineOptions.proxyOptions !== undefined || getDefaultProxySettings() !== undefined) {
    pipeline.addPolicy(proxyPolicy(pipelineOptions.proxyOptions));
  }
  pipeline.addPolicy(agentPolicy(agent));
  pipeline.addPolicy(decompressResponsePolicy());
  pipeline.addPolicy(userAgentPolicy({ userAgentPrefix: "avd-user-signout" }));
  pipeline.addPolicy(setClientRequestIdPolicy());
  pipeline.addPolicy(
    defaultRetryPolicy({ maxRetries: retriesUntilDeadline, maxRetryDelayInMs, ...pipelineOptions.retryOptions }),
    { phase: "Retry" },
  );
  pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({
      credential,
      scopes: [config.tokenScope],
      challengeCallbacks: { authorizeRequestOnChallenge: authorizeRequestOnClaimChallenge },
    }),
    { phase: "Sign" },
  );
  pipeline.addPolicy(armBudgetPolicy(budget), { afterPhase: "Sign" });
  pipeline.addPolicy(boundedAnswerPolicy(), { afterPhase: "Sign" });
  // The transport only: requests are made in listResources and sessionActions alone.
  const transport = createDefaultHttpClient();
  return { sendRequest: pipeline.sendRequest.bind(pipeline, transport) };
}
