import type { HttpRequest } from "@azure/functions";
import { z } from "zod";
import type { Caller } from "../engine/report";

/** What App Service Authentication puts in `x-ms-client-principal`, base64 encoded. */
const clientPrincipalSchema = z.object({
  auth_typ: z.string().optional(),
  name_typ: z.string().optional(),
  role_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })).max(1000),
});

const objectIdClaims = ["http://schemas.microsoft.com/identity/claims/objectidentifier", "oid"];
const nameClaims = ["name", "preferred_username", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"];
const roleClaims = ["roles", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"];
const maxHeaderLength = 64 * 1024;

/**
 * The caller as App Service Authentication vouches for it, or undefined when there is none. The
 * header is read only when the platform sets it (`WEBSITE_AUTH_ENABLED=True`), because then the
 * platform also removes any copy a client sent; otherwise anyone could write it.
 */
export function readClientPrincipal(request: HttpRequest, authEnabled: boolean): Caller | undefined {
  if (!authEnabled) return undefined;
  const header = request.headers.get("x-ms-client-principal");
  if (header === null || header === "" || header.length > maxHeaderLength) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(header, "base64").toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = clientPrincipalSchema.safeParse(decoded);
  if (!parsed.success) return undefined;
  const principal = parsed.data;
  const first = (types: readonly string[]): string | undefined =>
    principal.claims.find((claim) => types.includes(claim.typ))?.val;
  const roleTypes = principal.role_typ === undefined ? roleClaims : [...roleClaims, principal.role_typ];
  const nameTypes = principal.name_typ === undefined ? nameClaims : [principal.name_typ, ...nameClaims];
  const name = first(nameTypes);
  const objectId = first(objectIdClaims);
  return {
    ...(name === undefined ? {} : { name }),
    ...(objectId === undefined ? {} : { objectId }),
    ...(principal.auth_typ === undefined ? {} : { identityProvider: principal.auth_typ }),
    roles: [...new Set(principal.claims.filter((claim) => roleTypes.includes(claim.typ)).map((claim) => claim.val))],
  };
}
