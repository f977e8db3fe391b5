import type { EmulatorEngine } from "../emulatorEngine";
import type { ArmRouteMatch } from "../matchArmRoute";
import type { ArmReply } from "./armReply";
import type { ArmRequest } from "./armRequest";
import { authenticateArmRequest } from "./authenticateArmRequest";
import { authorizeSubscription } from "./authorizeSubscription";
import { injectedFault, injectedPathFault } from "./injectedFault";
import { performArmOperation } from "./performArmOperation";
import { checkApiVersion, routeFailure } from "./routeFailure";
import { throttleArmRequest } from "./throttleArmRequest";

export interface ArmAnswerOptions {
  readonly engine: EmulatorEngine;
  readonly acceptedAudiences: readonly string[];
}

/**
 * Everything ARM does with a request, stage by stage, in ARM's order: token, api-version, route
 * (path faults first), subscription, throttling, injected faults, then the resource itself. The
 * first stage that answers ends it.
 */
export function answerArmRequest(options: ArmAnswerOptions, context: ArmRequest, match: ArmRouteMatch): ArmReply {
  const { engine } = options;
  const { request, url, method } = context;
  const early =
    authenticateArmRequest(request, options.acceptedAudiences, engine.now()) ??
    checkApiVersion(url) ??
    (match.kind === "operation" ? undefined : injectedPathFault(engine, method, url.pathname));
  if (early !== undefined) return early;
  if (match.kind !== "operation") return routeFailure(match, method, url.pathname);

  const { operation, params } = match;
  const access = authorizeSubscription(engine, context, operation, params.subscriptionId);
  if ("error" in access) return access.error;
  const { subscription } = access;

  const throttle = throttleArmRequest(engine, subscription.id, method);
  if (throttle.kind === "throttled") return throttle.reply;

  const fault = injectedFault(engine, { method, operation, params, pathname: url.pathname });
  // A cut, endless or huge answer is the operation's own, carried out, then written wrongly.
  const marksAnswer = fault?.cutOff === true || fault?.stream !== undefined;
  if (fault !== undefined && !marksAnswer) return fault;

  const reply = performArmOperation(engine, context, operation, params, subscription);
  return {
    ...reply,
    headers: { ...throttle.headers, ...reply.headers },
    ...(fault?.cutOff ? { cutOff: true } : {}),
    ...(fault?.stream === undefined ? {} : { stream: fault.stream }),
  };
}
