import type { IncomingMessage } from "node:http";
import { armError, type ArmReply } from "./armReply";
import { queryValue } from "./armRequest";
import { supportedApiVersion } from "./routeFailure";

/**
 * One page of a listing. Paging is by offset over the current state, so a caller that deletes while
 * it pages can see items shift, as with any live listing; `nextLink` is absolute and carries
 * api-version, `$filter`, `pageSize`, `isDescending`, `initialSkip` and an opaque `$skipToken`. The
 * last page writes `"nextLink": null` or leaves the key out, as the listing does live.
 */
export function listPage<T>(
  request: IncomingMessage,
  url: URL,
  items: readonly T[],
  serverPageSize: number,
  toJson: (item: T) => object,
  lastPage: "null" | "omit",
): ArmReply {
  const pageSizeText = queryValue(url, "pageSize");
  const pageSize = pageSizeText === undefined ? serverPageSize : Number(pageSizeText);
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    return armError(
      400,
      "InvalidParameter",
      `The value '${pageSizeText}' of parameter 'pageSize' is not a positive integer.`,
    );
  }
  const initialSkipText = queryValue(url, "initialSkip");
  const initialSkip = initialSkipText === undefined ? 0 : Number(initialSkipText);
  if (!Number.isInteger(initialSkip) || initialSkip < 0) {
    return armError(
      400,
      "InvalidParameter",
      `The value '${initialSkipText}' of parameter 'initialSkip' is not a non-negative integer.`,
    );
  }
  const descending = queryValue(url, "isDescending")?.toLowerCase() === "true";
  const skipTokenText = queryValue(url, "$skipToken");
  let offset = 0;
  if (skipTokenText !== undefined) {
    const decoded = decodeSkipToken(skipTokenText);
    if (decoded === undefined) return armError(400, "InvalidSkipToken", "The $skipToken is invalid or has expired.");
    offset = decoded;
  }
  const ordered = descending ? [...items].reverse() : items;
  const start = initialSkip + offset;
  const page = ordered.slice(start, start + pageSize);
  const result: { value: object[]; nextLink?: string | null } = {
    value: page.map(toJson),
    ...(lastPage === "null" ? { nextLink: null } : {}),
  };
  if (start + pageSize < ordered.length) {
    const next = new URL(`https://${request.headers.host ?? "127.0.0.1"}${url.pathname}`);
    next.searchParams.set("api-version", supportedApiVersion);
    for (const name of ["$filter", "pageSize", "isDescending", "initialSkip"]) {
      const value = queryValue(url, name);
      if (value !== undefined) next.searchParams.set(name, value);
    }
    next.searchParams.set("$skipToken", encodeSkipToken(offset + pageSize));
    result.nextLink = next.toString();
  }
  return { status: 200, body: result };
}

function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString("base64url");
}

function decodeSkipToken(token: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    const offset = (parsed as { o?: unknown } | null)?.o;
    return typeof offset === "number" && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}
