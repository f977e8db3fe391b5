import { randomBytes } from "node:crypto";

export interface IssuedToken {
  /** The `resource` the token was requested for: its audience. */
  readonly resource: string;
  readonly clientId: string;
  readonly expiresOnSeconds: number;
}

/**
 * Tokens live for the process, not for one emulator: msal keeps its managed-identity token cache in
 * a static store, so a test that starts a second emulator still presents tokens from the first, as
 * real Entra tokens outlive any one ARM front end.
 */
const issuedTokens = new Map<string, IssuedToken>();

export function issueToken(
  resource: string,
  clientId: string,
  lifetimeSeconds: number,
  nowMs: number,
): { token: string; issued: IssuedToken } {
  const token = randomBytes(32).toString("base64url");
  const issued: IssuedToken = { resource, clientId, expiresOnSeconds: Math.floor(nowMs / 1000) + lifetimeSeconds };
  issuedTokens.set(token, issued);
  return { token, issued };
}

export function lookupToken(token: string): IssuedToken | undefined {
  return issuedTokens.get(token);
}
