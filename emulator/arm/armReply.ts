import { STATUS_CODES } from "node:http";
import type { AnswerStream } from "./streamedAnswer";

/** What the emulator answers to one ARM request, before it is written. */
export interface ArmReply {
  readonly status: number;
  /** Written as JSON; `null` too (ARM's "nextLink": null needs a real null inside it). */
  readonly body?: unknown;
  /** A body that is not JSON (an HTML error page), written as given. */
  readonly raw?: { readonly text: string; readonly contentType: string };
  readonly headers?: Readonly<Record<string, string>>;
  /** Written halfway, then the connection is dropped (a `cutOff` fault). */
  readonly cutOff?: true;
  /** The operation's page, padded without end or to a size (an `endless` or `huge` fault). */
  readonly stream?: AnswerStream;
}

export function armError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): ArmReply {
  return { status, body: { error: { code, message } }, headers };
}

/** ARM's 404 for a missing resource, with its wording. */
export function resourceNotFound(typedName: string, resourceGroup: string): ArmReply {
  return armError(
    404,
    "ResourceNotFound",
    `The Resource 'Microsoft.DesktopVirtualization/${typedName}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** The service's own 404 for a session, as recorded live: code "404", the ActivityId in the message. */
export function sessionNotFound(activityId: string): ArmReply {
  return armError(404, "404", `ActivityId: ${activityId} Error: User session does not exist`);
}

export function defaultCode(status: number): string {
  const known: Record<number, string> = {
    400: "BadRequest",
    401: "InvalidAuthenticationToken",
    403: "AuthorizationFailed",
    404: "ResourceNotFound",
    409: "Conflict",
    429: "SubscriptionRequestsThrottled",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
  };
  return known[status] ?? (STATUS_CODES[status] ?? "Error").replace(/[^a-z]/gi, "");
}

/** The error code a reply's body carries, for the call log. */
export function errorCodeOf(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === "string" ? code : undefined;
}
