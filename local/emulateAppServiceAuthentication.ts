import { z } from "zod";

/** Who a test bearer token stands for: what Microsoft Entra ID would have put in the token. */
export interface EmulatedPrincipal {
  readonly name: string;
  readonly objectId: string;
  readonly roles: readonly string[];
}

/** The test bearer tokens the emulated platform accepts, each with the caller it vouches for. */
export type EmulatedAuthentication = ReadonlyMap<string, EmulatedPrincipal>;

/** The environment variable that turns the emulation on (the local host only; Azure has none). */
export const emulatedAuthenticationSetting = "LOCAL_HOST_AUTH_PRINCIPALS";

const principalsSchema = z.record(
  z.string().min(1),
  z.object({
    name: z.string().min(1),
    objectId: z.string().min(1).optional(),
    roles: z.array(z.string().min(1)).default([]),
  }),
);

/**
 * Reads LOCAL_HOST_AUTH_PRINCIPALS: a JSON object from test bearer token to the caller it stands
 * for, e.g. `{"operator-token":{"name":"ops@contoso.com","roles":["AvdSignout.Operator"]}}`.
 * Unset or empty: no emulation.
 */
export function parseEmulatedAuthentication(value: string | undefined): EmulatedAuthentication | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error(`${emulatedAuthenticationSetting} must be JSON: {"<token>": {"name", "objectId"?, "roles"?}}`);
  }
  const parsed = principalsSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${emulatedAuthenticationSetting}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  }
  return new Map(
    Object.entries(parsed.data).map(([token, principal], index) => [
      token,
      {
        name: principal.name,
        objectId: principal.objectId ?? `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
        roles: principal.roles,
      },
    ]),
  );
}

const principalHeaders = [
  "x-ms-client-principal",
  "x-ms-client-principal-id",
  "x-ms-client-principal-name",
  "x-ms-client-principal-idp",
];
const nameClaim = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";
const roleClaim = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
const objectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

export type AuthenticationOutcome =
  | { readonly kind: "pass"; readonly headers: Record<string, string> }
  | { readonly kind: "reject"; readonly statusCode: 401; readonly headers: Record<string, string> };

/**
 * What App Service Authentication with `AllowAnonymous` does to a request before the app sees it:
 * principal headers a client sent are removed (only the platform writes them); a bearer token it
 * validates adds the caller as `x-ms-client-principal` (base64 JSON of the token's claims) with
 * `-id`, `-name` and `-idp`; a bearer token it cannot validate is answered 401; a request without
 * one goes on unauthenticated. Header names are lower-case, as Node hands them over.
 */
export function applyAppServiceAuthentication(
  headers: Readonly<Record<string, string>>,
  principals: EmulatedAuthentication,
): AuthenticationOutcome {
  const passed = Object.fromEntries(Object.entries(headers).filter(([name]) => !principalHeaders.includes(name)));
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? "")?.[1];
  if (bearer === undefined) return { kind: "pass", headers: passed };
  const principal = principals.get(bearer);
  if (principal === undefined) {
    return {
      kind: "reject",
      statusCode: 401,
      headers: {
        "www-authenticate": 'Bearer error="invalid_token", error_description="The token could not be validated."',
      },
    };
  }
  const clientPrincipal = {
    auth_typ: "aad",
    name_typ: nameClaim,
    role_typ: roleClaim,
    claims: [
      { typ: nameClaim, val: principal.name },
      { typ: objectIdClaim, val: principal.objectId },
      ...principal.roles.map((role) => ({ typ: "roles", val: role })),
    ],
  };
  return {
    kind: "pass",
    headers: {
      ...passed,
      "x-ms-client-principal": Buffer.from(JSON.stringify(clientPrincipal)).toString("base64"),
      "x-ms-client-principal-id": principal.objectId,
      "x-ms-client-principal-name": principal.name,
      "x-ms-client-principal-idp": "aad",
    },
  };
}
