import type { IncomingMessage } from "node:http";

/** What the stages of an answer need to know about the request beyond its route. */
export interface ArmRequest {
  readonly request: IncomingMessage;
  readonly url: URL;
  readonly method: string;
  readonly body: string;
  /** The service's ActivityId, sent as `x-ms-correlation-id` and quoted in its own 404 messages. */
  readonly activityId: string;
}

/** ARM reads query parameter names case-insensitively. */
export function queryValue(url: URL, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of url.searchParams) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

export function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
