import { z } from "zod";

/**
 * Only the fields the engine reads, checked: a page that is not this shape (HTML, `{}`, `value`
 * missing or not an array) fails its scope instead of reading as "no sessions". Items are kept
 * loose so that one odd session costs that session, not the whole listing.
 */
export const listingPageSchema = z.object({
  value: z.array(z.unknown()),
  nextLink: z.string().nullish(),
});

const looseString = z.unknown().transform((value) => (typeof value === "string" ? value : undefined));

export const hostPoolItemSchema = z.object({ id: looseString, name: looseString });
export const userSessionItemSchema = z.object({
  id: looseString,
  properties: z
    .object({ userPrincipalName: looseString, sessionState: looseString })
    .catch({ userPrincipalName: undefined, sessionState: undefined }),
});

export interface ListedHostPool {
  readonly id: string | undefined;
  readonly name: string | undefined;
}

export interface ListedSession {
  readonly id: string | undefined;
  readonly userPrincipalName: string | undefined;
  /** Undefined when the service sent none or something other than a string. */
  readonly sessionState: string | undefined;
}

export function toListedHostPool(item: unknown): ListedHostPool {
  const parsed = hostPoolItemSchema.safeParse(item);
  return parsed.success ? parsed.data : { id: undefined, name: undefined };
}

export function toListedSession(item: unknown): ListedSession {
  const parsed = userSessionItemSchema.safeParse(item);
  if (!parsed.success) return { id: undefined, userPrincipalName: undefined, sessionState: undefined };
  return { id: parsed.data.id, ...parsed.data.properties };
}
