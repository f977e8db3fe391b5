import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { stableGuid } from "./emulatorWorld";
import { issueToken } from "./tokenRegistry";

export interface TokenRequestRecord {
  readonly seq: number;
  readonly resource: string | undefined;
  /** The identity the token was (or would have been) issued to; the system-assigned one's when none was named. */
  readonly clientId: string | undefined;
  readonly status: number;
  readonly atMs: number;
}

export interface IdentityEndpointContext {
  readonly identityHeader: string;
  readonly systemAssignedClientId: string;
  /** User-assigned identities attached to the "app"; undefined accepts any client_id. */
  userAssignedClientIds(): readonly string[] | undefined;
  /** Whether a system-assigned identity is attached; without one a request must name an identity. */
  systemAssigned(): boolean;
  tokenLifetimeSeconds(): number;
  /** Epoch milliseconds. */
  now(): number;
  record(entry: Omit<TokenRequestRecord, "seq">): void;
}

const identitySelectors = ["client_id", "object_id", "principal_id", "mi_res_id"] as const;

/**
 * The App Service / Functions managed-identity endpoint (api-version 2019-08-01), as msal-node's
 * AppService source calls it: GET with `resource` and optionally `client_id`, `object_id` or
 * `mi_res_id`, the secret in `X-IDENTITY-HEADER`.
 */
export function createIdentityRequestHandler(
  context: IdentityEndpointContext,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const url = new URL(request.url ?? "/", "http://identity.local");
    const query = url.searchParams;
    const namedClientId = query.get("client_id") ?? undefined;
    const otherId = query.get("object_id") ?? query.get("principal_id") ?? query.get("mi_res_id") ?? undefined;
    const clientId =
      namedClientId ??
      (otherId === undefined ? context.systemAssignedClientId : stableGuid(`mi:${otherId.toLowerCase()}`));
    const resource = query.get("resource") ?? undefined;
    const answer = (status: number, body: object): void => {
      context.record({ resource, clientId, status, atMs: context.now() });
      response.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "x-correlation-id": randomUUID(),
      });
      response.end(JSON.stringify(body));
    };
    const failure = (status: number, message: string): void =>
      answer(status, { statusCode: status, message, correlationId: randomUUID() });

    if (request.method !== "GET" || url.pathname.toLowerCase() !== "/msi/token") {
      failure(404, "Not found.");
      return;
    }
    if (request.headers["x-identity-header"] !== context.identityHeader) {
      failure(401, "The request is missing the X-IDENTITY-HEADER header or its value is wrong.");
      return;
    }
    if (query.get("api-version") !== "2019-08-01") {
      failure(400, "The api-version is missing or not supported; use 2019-08-01.");
      return;
    }
    if (resource === undefined || resource === "") {
      failure(400, "The resource parameter is required.");
      return;
    }
    const selectors = identitySelectors.filter((name) => query.get(name) !== null);
    if (selectors.length > 1) {
      failure(
        400,
        `Only one of client_id, object_id or mi_res_id may be given; the request names ${selectors.join(", ")}.`,
      );
      return;
    }
    if (selectors.length === 0 && !context.systemAssigned()) {
      // App Service with only user-assigned identities attached cannot pick one for the caller.
      failure(400, "Unable to load the proper Managed Identity.");
      return;
    }
    const attached = context.userAssignedClientIds();
    if (
      namedClientId !== undefined &&
      attached !== undefined &&
      !attached.some((id) => id.toLowerCase() === namedClientId.toLowerCase())
    ) {
      failure(400, "Unable to load the proper Managed Identity.");
      return;
    }
    const { token, issued } = issueToken(resource, clientId, context.tokenLifetimeSeconds(), context.now());
    // App Service writes expires_on as a string of Unix seconds.
    answer(200, {
      access_token: token,
      expires_on: String(issued.expiresOnSeconds),
      resource,
      token_type: "Bearer",
      client_id: clientId,
    });
  };
}
