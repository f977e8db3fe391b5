import { z } from "zod";

/**
 * The page's frame, checked: a page that is not exactly this shape (HTML, `{}`, `value` missing
 * or not an array, a key the documented page does not have) fails its scope instead of reading as
 * "no sessions"; `nextLink` is absent on the host pool listing's last page and `null` on the user
 * sessions listing's. `value` is checked in place rather than copied item by item: on a tenant of
 * thousands of pages, that copy and a schema per item were the largest allocations of the app's
 * own code, and garbage is what the function's CPU went to most.
 */
export const listingPageSchema = z.strictObject({
  value: z.custom<readonly unknown[]>((value) => Array.isArray(value), { error: "must be an array" }),
  nextLink: z.string().nullish(),
});

export interface ListedHostPool {
  readonly id: string | undefined;
  readonly name: string | undefined;
}

export interface ListedSession {
  readonly id: string | undefined;
  readonly userPrincipalName: string | undefined;
  /** The account's Entra object id as the service reports it; may be the all-zero id, which names nobody. */
  readonly objectId: string | undefined;
  /** Undefined when the service sent none or something other than a string. */
  readonly sessionState: string | undefined;
}

export interface ListedSessionHost {
  /** The host's name as session ids carry it (the id's last segment). */
  readonly name: string | undefined;
  /** As the service reports it (`Available`, `Shutdown`, `Unavailable`, …): an open string. */
  readonly status: string | undefined;
}

/**
 * Items are read, not validated: a field that is not a string reads as absent, so one odd item
 * costs that item (the engine reports a session without an id or UPN), never the whole listing.
 */
function field(item: unknown, key: string): unknown {
  return typeof item === "object" && item !== null ? (item as Record<string, unknown>)[key] : undefined;
}

function stringField(item: unknown, key: string): string | undefined {
  const value = field(item, key);
  return typeof value === "string" ? value : undefined;
}

export function toListedHostPool(item: unknown): ListedHostPool {
  return { id: stringField(item, "id"), name: stringField(item, "name") };
}

export function toListedSession(item: unknown): ListedSession {
  const properties = field(item, "properties");
  return {
    id: stringField(item, "id"),
    userPrincipalName: stringField(properties, "userPrincipalName"),
    objectId: stringField(properties, "objectId"),
    sessionState: stringField(properties, "sessionState"),
  };
}

/** The id's last segment; the `name` (`HP/host` live, `host` in the spec's examples) when there is no id. */
export function toListedSessionHost(item: unknown): ListedSessionHost {
  const id = stringField(item, "id") ?? stringField(item, "name");
  return {
    name: id === undefined ? undefined : id.slice(id.lastIndexOf("/") + 1) || undefined,
    status: stringField(field(item, "properties"), "status"),
  };
}
