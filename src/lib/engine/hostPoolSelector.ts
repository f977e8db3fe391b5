import { parseHostPoolId, sameHostPool, type HostPoolRef } from "../azure/armResourceId";

/** Where a caller narrows the search: a host pool's name (in any subscription in scope) or its full id. */
export type HostPoolSelector =
  | { readonly kind: "name"; readonly text: string; readonly name: string }
  | { readonly kind: "id"; readonly text: string; readonly ref: HostPoolRef };

export function parseHostPoolSelector(text: string): HostPoolSelector {
  const ref = text.startsWith("/") ? parseHostPoolId(text) : undefined;
  return ref === undefined ? { kind: "name", text, name: text } : { kind: "id", text, ref };
}

/** ARM names are case-insensitive, so a selector matches a host pool whatever case either is written in. */
export function selectsHostPool(selector: HostPoolSelector, hostPool: HostPoolRef): boolean {
  return selector.kind === "id"
    ? sameHostPool(selector.ref, hostPool)
    : selector.name.toLowerCase() === hostPool.hostPool.toLowerCase();
}
