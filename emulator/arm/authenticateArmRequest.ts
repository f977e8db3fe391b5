import type { IncomingMessage } from "node:http";
import { lookupToken } from "../tokenRegistry";
import { armError, type ArmReply } from "./armReply";

/** The bearer token stage: a reply when the token is missing, unknown, expired or for another audience. */
export function authenticateArmRequest(
  request: IncomingMessage,
  acceptedAudiences: readonly string[],
  nowMs: number,
): ArmReply | undefined {
  const header = request.headers.authorization;
  if (header === undefined || header === "") {
    return unauthorized("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer === null) {
    return unauthorized(
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is provided in an invalid format.",
    );
  }
  const issued = lookupToken(bearer[1] as string);
  if (issued === undefined) return unauthorized("InvalidAuthenticationToken", "The access token is invalid.");
  if (issued.expiresOnSeconds * 1000 <= nowMs) {
    return unauthorized(
      "ExpiredAuthenticationToken",
      "The access token expiry UTC time is earlier than current UTC time.",
    );
  }
  if (!acceptedAudiences.includes(issued.resource)) {
    return unauthorized(
      "InvalidAuthenticationTokenAudience",
      `The access token has been obtained for wrong audience or resource '${issued.resource}'. It should exactly match with one of the allowed audiences ${acceptedAudiences.map((audience) => `'${audience}'`).join(",")}.`,
    );
  }
  return undefined;
}

/**
 * ARM names the authority in WWW-Authenticate. The header carries no `claims`, so the SDK's
 * claims-challenge handling leaves the 401 to the caller instead of fetching a new token.
 */
function unauthorized(code: string, message: string): ArmReply {
  return armError(401, code, message, {
    "www-authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="${message.replaceAll('"', "'")}"`,
  });
}

/** The client id the request's token was issued to, as ARM names the principal in a 403. */
export function principalOf(request: IncomingMessage): string {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "");
  return (bearer === null ? undefined : lookupToken(bearer[1] as string)?.clientId) ?? "unknown";
}
