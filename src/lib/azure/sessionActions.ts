import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import type { UserSessionRef } from "./armResourceId";
import { armError, avdApiVersion, type ArmLister } from "./listResources";
import { toUpstreamError, type UpstreamError } from "./upstreamError";

/**
 * `removed`: the service answered 200 (it had the session and ended it) or 204 (it does not have it
 * now: the live service answers 204 to the delete of a session it ends, so this cannot tell
 * "removed by us" from "already gone"); `notFound`: the service itself said this user session
 * does not exist; `failed`: anything else, including a 404 about a resource type, provider,
 * resource group or host pool, or a 404 that is not ARM's JSON.
 */
export type SessionActionResult =
  | { readonly kind: "done"; readonly statusCode: number }
  | { readonly kind: "notFound"; readonly statusCode: number }
  | { readonly kind: "failed"; readonly error: UpstreamError };

export type SessionAction =
  | { readonly kind: "delete" }
  | { readonly kind: "disconnect" }
  | { readonly kind: "sendMessage"; readonly title: string; readonly message: string };

const segment = encodeURIComponent;

export function userSessionPath(ref: UserSessionRef): string {
  return (
    `/subscriptions/${segment(ref.subscriptionId)}/resourceGroups/${segment(ref.resourceGroup)}` +
    `/providers/Microsoft.DesktopVirtualization/hostPools/${segment(ref.hostPool)}` +
    `/sessionHosts/${segment(ref.sessionHost)}/userSessions/${segment(ref.sessionId)}`
  );
}

// The service's own answer for a missing session: code "404", "… Error: User session does not exist".
const sessionDoesNotExist = /\buser ?session does not exist\b/i;

export function isSessionNotFoundAnswer(statusCode: number, code: string | undefined, message: string): boolean {
  return statusCode === 404 && code === "404" && sessionDoesNotExist.test(message);
}

export async function runSessionAction(
  client: ArmLister,
  endpoint: string,
  ref: UserSessionRef,
  action: SessionAction,
  abortSignal: AbortSignal,
): Promise<SessionActionResult> {
  const url = new URL(`${endpoint}${userSessionPath(ref)}${actionSuffix(action)}`);
  url.searchParams.set("api-version", avdApiVersion);
  if (action.kind === "delete") url.searchParams.set("force", "true");
  let response: PipelineResponse;
  try {
    response = await client.sendRequest(
      createPipelineRequest({
        url: url.href,
        method: action.kind === "delete" ? "DELETE" : "POST",
        abortSignal,
        ...(action.kind === "sendMessage"
          ? {
              body: JSON.stringify({ messageTitle: action.title, messageBody: action.message }),
              headers: createHttpHeaders({ "content-type": "application/json" }),
            }
          : {}),
      }),
    );
  } catch (error) {
    return { kind: "failed", error: toUpstreamError(error) };
  }
  if (response.status === 200 || (response.status === 204 && action.kind === "delete")) {
    return { kind: "done", statusCode: response.status };
  }
  const error = armError(response);
  if (isSessionNotFoundAnswer(response.status, error.code, error.message)) {
    return { kind: "notFound", statusCode: response.status };
  }
  return { kind: "failed", error: toUpstreamError(error) };
}

function actionSuffix(action: SessionAction): string {
  if (action.kind === "disconnect") return "/disconnect";
  if (action.kind === "sendMessage") return "/sendMessage";
  return "";
}
