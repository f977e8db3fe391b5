import { createPipelineRequest, RestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import type { ServiceClient } from "@azure/core-client";
import { findDuplicateKeys } from "../base/findDuplicateKeys";
import { foreignSubscriptionCode } from "./armPolicies";
import { subscriptionOfUrl, type HostPoolRef } from "./armResourceId";
import {
  listingPageSchema,
  toListedHostPool,
  toListedSession,
  toListedSessionHost,
  type ListedHostPool,
  type ListedSession,
  type ListedSessionHost,
} from "./listingPage";

export const avdApiVersion = "2024-04-03";

export const malformedListingCode = "MalformedListingResponse";

export type ArmLister = Pick<ServiceClient, "sendRequest">;

export interface ListOptions {
  readonly abortSignal: AbortSignal;
  /** Items per page the service is asked for; it may send fewer. */
  readonly pageSize?: number | undefined;
  /** An OData `$filter` (user sessions only). */
  readonly filter?: string | undefined;
}

const segment = encodeURIComponent;

/**
 * Raw JSON through the SDK client's own pipeline (credential, retries, Retry-After, budget and
 * origin guard) instead of its model deserializer, which cost a quarter of the function's CPU on
 * large tenants; every page's frame is checked, and each item's fields read as strings or absent.
 */
export async function listHostPools(
  client: ArmLister,
  endpoint: string,
  subscriptionId: string,
  options: ListOptions,
): Promise<ListedHostPool[]> {
  const path = `/subscriptions/${segment(subscriptionId)}/providers/Microsoft.DesktopVirtualization/hostPools`;
  return readAllPages(
    client,
    listingUrl(endpoint, path, options),
    subscriptionId,
    options.abortSignal,
    toListedHostPool,
  );
}

export function listUserSessions(
  client: ArmLister,
  endpoint: string,
  hostPool: HostPoolRef,
  options: ListOptions,
): Promise<ListedSession[]> {
  return listHostPoolChildren(client, endpoint, hostPool, "userSessions", options, toListedSession);
}

/** Read only to say why a session stayed (see `sessionHostStatus`): never part of a scan. */
export function listSessionHosts(
  client: ArmLister,
  endpoint: string,
  hostPool: HostPoolRef,
  options: ListOptions,
): Promise<ListedSessionHost[]> {
  return listHostPoolChildren(client, endpoint, hostPool, "sessionHosts", options, toListedSessionHost);
}

function listHostPoolChildren<T>(
  client: ArmLister,
  endpoint: string,
  hostPool: HostPoolRef,
  collection: "userSessions" | "sessionHosts",
  options: ListOptions,
  toItem: (item: unknown) => T,
): Promise<T[]> {
  const path =
    `/subscriptions/${segment(hostPool.subscriptionId)}/resourceGroups/${segment(hostPool.resourceGroup)}` +
    `/providers/Microsoft.DesktopVirtualization/hostPools/${segment(hostPool.hostPool)}/${collection}`;
  return readAllPages(
    client,
    listingUrl(endpoint, path, options),
    hostPool.subscriptionId,
    options.abortSignal,
    toItem,
  );
}

function listingUrl(endpoint: string, path: string, options: ListOptions): string {
  // The common case, from a template; a filter or page size goes through URLSearchParams' encoding.
  if (options.filter === undefined && options.pageSize === undefined) {
    return `${endpoint}${path}?api-version=${avdApiVersion}`;
  }
  const url = new URL(`${endpoint}${path}`);
  url.searchParams.set("api-version", avdApiVersion);
  if (options.filter !== undefined) url.searchParams.set("$filter", options.filter);
  if (options.pageSize !== undefined) url.searchParams.set("pageSize", String(options.pageSize));
  return url.href;
}

/**
 * Pages are read in order: the service pages by offset, and `nextLink` is followed as given, but
 * only within the subscription being listed (the pipeline's guard keeps every request within the
 * configured ones; a listing of one subscription has no business in another).
 */
async function readAllPages<T>(
  client: ArmLister,
  firstUrl: string,
  subscriptionId: string,
  abortSignal: AbortSignal,
  toItem: (item: unknown) => T,
): Promise<T[]> {
  const items: T[] = [];
  const visited = new Set<string>();
  let url: string | undefined = firstUrl;
  while (url !== undefined) {
    if (visited.has(url)) throw malformed(`The listing's nextLink repeats a page already read.`);
    visited.add(url);
    const response = await client.sendRequest(createPipelineRequest({ url, method: "GET", abortSignal }));
    const page = listingPageSchema.safeParse(parseJson(response));
    if (!page.success) {
      throw malformed(`A listing page was not the documented shape (HTTP ${response.status}).`, response);
    }
    for (const item of page.data.value) items.push(toItem(item));
    url = page.data.nextLink ?? undefined;
    // A link naming no subscription, or another origin, is the pipeline guard's to refuse.
    const nextSubscription = url === undefined ? undefined : subscriptionOfUrl(url);
    if (nextSubscription !== undefined && nextSubscription !== subscriptionId.toLowerCase()) {
      throw new RestError(`The listing's nextLink leads outside subscription ${subscriptionId}; it was not followed.`, {
        code: foreignSubscriptionCode,
      });
    }
  }
  return items;
}

function parseJson(response: PipelineResponse): unknown {
  if (response.status !== 200) throw armError(response);
  const text = response.bodyAsText ?? "";
  let page: unknown;
  try {
    page = JSON.parse(text) as unknown;
  } catch {
    throw malformed(`A listing page was not JSON (HTTP ${response.status}).`, response);
  }
  // JSON.parse keeps a repeated key's last value (`{"value":[alice],"value":[]}` reads as an empty
  // page) where another reader keeps the first: a page that says two things is not read at all.
  const [repeated] = findDuplicateKeys(text, 1);
  if (repeated !== undefined) {
    throw malformed(`A listing page gave the key ${repeated} twice (HTTP ${response.status}).`, response);
  }
  return page;
}

function malformed(message: string, response?: PipelineResponse): RestError {
  return new RestError(message, {
    code: malformedListingCode,
    ...(response === undefined ? {} : { statusCode: response.status }),
  });
}

/** ARM's error body, `{ "error": { "code", "message" } }`, when there is one. */
export function armError(response: PipelineResponse): RestError {
  let code: string | undefined;
  let message = `The service answered HTTP ${response.status}.`;
  try {
    const body = JSON.parse(response.bodyAsText ?? "") as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === "string") code = body.error.code;
    if (typeof body.error?.message === "string") message = body.error.message;
  } catch {
    // Not JSON: the status is all there is to say.
  }
  return new RestError(message, { statusCode: response.status, ...(code === undefined ? {} : { code }) });
}
