import type { RequestGates } from "./requestGates";
import { randomUUID } from "node:crypto";
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { hostPoolJson, sessionHostJson, userSessionJson } from "./armResourceJson";
import type { EmulatorEngine, ThrottleCategory } from "./emulatorEngine";
import type { HostPoolRecord, SessionHostRecord, SessionRecord, SubscriptionRecord } from "./emulatorWorld";
import { matchArmRoute, type ArmRouteParams } from "./matchArmRoute";
import { parseSessionFilter } from "./parseSessionFilter";
import type { ArmOperation, ResolvedFault } from "./scenario";
import { lookupToken } from "./tokenRegistry";

export const supportedApiVersion = "2024-04-03";

export interface ArmHandlerOptions {
  readonly engine: EmulatorEngine;
  readonly acceptedAudiences: readonly string[];
  readonly gates?: RequestGates;
}

interface Reply {
  readonly status: number;
  /** Written as JSON; `null` too (ARM's "nextLink": null needs a real null inside it). */
  readonly body?: unknown;
  /** A body that is not JSON (an HTML error page), written as given. */
  readonly raw?: { readonly text: string; readonly contentType: string };
  readonly headers?: Readonly<Record<string, string>>;
}

/** What `answer` needs to know about the request beyond its route. */
interface RequestContext {
  readonly request: IncomingMessage;
  readonly url: URL;
  readonly method: string;
  readonly body: string;
  /** The service's ActivityId, sent as `x-ms-correlation-id` and quoted in its own 404 messages. */
  readonly activityId: string;
}

/** The RBAC action each operation needs, quoted in 403 messages as ARM does. */
const actions: Record<ArmOperation, string> = {
  listHostPools: "Microsoft.DesktopVirtualization/hostpools/read",
  listUserSessions: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/read",
  listSessionHosts: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/read",
  listSessionHostUserSessions: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/read",
  getUserSession: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/read",
  deleteUserSession: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/delete",
  disconnectUserSession: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/disconnect/action",
  sendMessage: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/sendMessage/action",
};

export function createArmRequestHandler(
  options: ArmHandlerOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  const { engine } = options;
  return (request, response) => {
    const startedAtMs = nowMs();
    const method = (request.method ?? "GET").toUpperCase();
    const url = new URL(request.url ?? "/", "https://arm.local");
    const query = Object.fromEntries(url.searchParams);
    const match = matchArmRoute(method, url.pathname);
    const params: Partial<ArmRouteParams> =
      match.kind === "operation"
        ? match.params
        : { subscriptionId: match.kind === "unknownType" ? match.subscriptionId : undefined };
    const operation = match.kind === "operation" ? match.operation : "unknown";
    const leave = engine.enter(params.subscriptionId);
    const activityId = randomUUID();

    const send = (reply: Reply): void => {
      const errorCode = errorCodeOf(reply.body);
      engine.recordCall({
        method,
        path: url.pathname,
        query,
        status: reply.status,
        errorCode,
        operation,
        subscriptionId: params.subscriptionId,
        resourceGroup: params.resourceGroup,
        hostPool: params.hostPool,
        sessionHost: params.sessionHost,
        sessionId: params.sessionId,
        startedAtMs,
        endedAtMs: nowMs(),
      });
      leave();
      const text = reply.raw?.text ?? (reply.body === undefined ? "" : JSON.stringify(reply.body));
      const contentType = reply.raw?.contentType ?? "application/json; charset=utf-8";
      const correlation = headerValue(request, "x-ms-correlation-request-id") ?? randomUUID();
      response.writeHead(reply.status, {
        "cache-control": "no-cache",
        "x-ms-request-id": randomUUID(),
        "x-ms-correlation-request-id": correlation,
        "x-ms-correlation-id": activityId,
        ...(text === "" ? {} : { "content-type": contentType }),
        "content-length": String(Buffer.byteLength(text)),
        ...reply.headers,
      });
      response.end(text);
    };

    readBody(request)
      .then(async (body) => {
        await options.gates?.pass({ operation, method, ...params });
        const latency = latencyFor(engine, params);
        if (latency > 0) await delay(latency);
        send(answer(options, { request, url, method, body, activityId }, match));
      })
      .catch((error: unknown) => {
        // A fault in the emulator itself: answer like ARM's generic 500 so the client sees a response.
        send(
          armError(
            500,
            "InternalServerError",
            `Emulator fault: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
      });
    response.on("close", leave);
  };
}

function answer(options: ArmHandlerOptions, context: RequestContext, match: ReturnType<typeof matchArmRoute>): Reply {
  const { engine } = options;
  const { request, url, method } = context;
  const authFailure = authenticate(request, options.acceptedAudiences, engine.now());
  if (authFailure !== undefined) return authFailure;

  const apiVersion = queryValue(url, "api-version");
  if (apiVersion === undefined) {
    return armError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }
  if (apiVersion !== supportedApiVersion) {
    return armError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${apiVersion}' is invalid. The supported versions are '${supportedApiVersion}'.`,
    );
  }

  if (match.kind !== "operation") {
    // A path fault answers even where the emulator has no route: a gateway's page comes before ARM's routing.
    const pathFault = engine.takeFault((index) => {
      const candidate = engine.scenario.faults[index]?.match;
      return candidate?.path !== undefined && faultMatches(candidate, method, "unknown", {}, url.pathname);
    });
    if (pathFault !== undefined) return faultReply(pathFault);
  }
  if (match.kind === "none") {
    return armError(404, "NotFound", `No HTTP resource was found that matches the request URI '${url.pathname}'.`);
  }
  if (match.kind === "unknownProvider") {
    return armError(
      404,
      "NoRegisteredProviderFound",
      `No registered resource provider found for location 'global' and API version '${apiVersion}' for type '${match.resourceType}' in namespace '${match.namespace}'.`,
    );
  }
  if (match.kind === "unknownType") {
    return armError(
      404,
      "InvalidResourceType",
      `The resource type '${match.resourceType}' could not be found in the namespace 'Microsoft.DesktopVirtualization' for api version '${apiVersion}'.`,
    );
  }
  if (match.kind === "wrongMethod") {
    return armError(405, "MethodNotAllowed", `The requested resource does not support http method '${method}'.`, {
      allow: match.allowed.join(", "),
    });
  }

  const { operation } = match;
  const routeParams = match.params;
  const subscription = findSubscription(engine, routeParams.subscriptionId);
  if (subscription === undefined) {
    return armError(
      404,
      "SubscriptionNotFound",
      `The subscription '${routeParams.subscriptionId}' could not be found.`,
    );
  }
  if (subscription.forbidden) {
    const scope = url.pathname.replace(/\/(?:disconnect|sendMessage)$/i, "");
    const principal = principalOf(request);
    return armError(
      403,
      "AuthorizationFailed",
      `The client '${principal}' with object id '${principal}' does not have authorization to perform action '${actions[operation]}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }

  const category = throttleCategory(method);
  const throttle = engine.takeThrottleToken(subscription.id, category, engine.now());
  if (throttle !== undefined && !throttle.ok) {
    return armError(
      429,
      "SubscriptionRequestsThrottled",
      `Number of '${category === "reads" ? "read" : category === "deletes" ? "delete" : "write"}' requests for subscription '${subscription.id}' exceeded. Please try again after '${throttle.retryAfterSeconds}' seconds after the last request.`,
      { "retry-after": String(throttle.retryAfterSeconds) },
    );
  }
  const rateHeaders: Record<string, string> =
    throttle === undefined ? {} : { [`x-ms-ratelimit-remaining-subscription-${category}`]: String(throttle.remaining) };

  const fault = engine.takeFault((index) => {
    const candidate = engine.scenario.faults[index]?.match;
    return candidate !== undefined && faultMatches(candidate, method, operation, routeParams, url.pathname);
  });
  if (fault !== undefined) return faultReply(fault);

  const reply = perform(engine, context, operation, routeParams, subscription);
  return { ...reply, headers: { ...rateHeaders, ...reply.headers } };
}

function faultMatches(
  candidate: ResolvedFault["match"],
  method: string,
  operation: ArmOperation | "unknown",
  params: Partial<ArmRouteParams>,
  pathname: string,
): boolean {
  return (
    (candidate.method === undefined || candidate.method.toUpperCase() === method) &&
    (candidate.operation === undefined || candidate.operation === operation) &&
    sameName(candidate.subscriptionId, params.subscriptionId) &&
    sameName(candidate.hostPool, params.hostPool) &&
    (candidate.sessionId === undefined || candidate.sessionId === params.sessionId) &&
    (candidate.path === undefined || samePath(candidate.path, pathname))
  );
}

function samePath(expected: string, actual: string): boolean {
  const normalise = (path: string): string => {
    try {
      return decodeURIComponent(path)
        .replace(/(?<!\/)\/+$/, "")
        .toLowerCase();
    } catch {
      return path.toLowerCase();
    }
  };
  return normalise(expected) === normalise(actual);
}

function faultReply(fault: ResolvedFault): Reply {
  const headers: Record<string, string> =
    fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) };
  switch (fault.body) {
    case "html":
      return { status: fault.status, raw: { text: htmlPage(fault.status), contentType: "text/html" }, headers };
    case "emptyObject":
      return { status: fault.status, body: {}, headers };
    case "json":
      return { status: fault.status, body: fault.json, headers };
    case "nullValue":
      return { status: fault.status, body: { value: null }, headers };
    case "armError":
      return armError(
        fault.status,
        fault.code ?? defaultCode(fault.status),
        fault.message ?? `Injected fault: ${STATUS_CODES[fault.status] ?? "error"}.`,
        headers,
      );
  }
}

/** The kind of page a front end (not ARM) answers: no JSON, no error code. */
function htmlPage(status: number): string {
  const title = `${status} - ${STATUS_CODES[status] ?? "Error"}`;
  return `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1><p>The resource you are looking for has been removed, had its name changed, or is temporarily unavailable.</p></body></html>\n`;
}

function perform(
  engine: EmulatorEngine,
  context: RequestContext,
  operation: ArmOperation,
  params: ArmRouteParams,
  subscription: SubscriptionRecord,
): Reply {
  const { request, url } = context;
  if (operation === "listHostPools") {
    // A principal without a role at subscription scope sees an empty listing, not a 403.
    const visible = subscription.hidesHostPools ? [] : subscription.hostPools;
    return listPage(request, url, visible, subscription.hostPoolPageSize, hostPoolJson, "omit");
  }
  const poolLookup = findHostPool(subscription, params);
  if ("error" in poolLookup) return poolLookup.error;
  const { pool } = poolLookup;

  if (operation === "listUserSessions") {
    const filterText = queryValue(url, "$filter");
    let rows = pool.sessionHosts.flatMap((host) => host.sessions.map((session) => ({ host, session })));
    if (filterText !== undefined && filterText.trim() !== "") {
      const filter = parseSessionFilter(filterText, engine.scenario.filterCaseSensitive);
      if (!filter.ok) return armError(400, "InvalidFilter", filter.message);
      if (!pool.ignoresFilter) rows = rows.filter((row) => filter.matches(row.session));
    }
    return listPage(
      request,
      url,
      rows,
      pool.sessionPageSize,
      (row) => userSessionJson(pool, row.host, row.session),
      "null",
    );
  }
  if (operation === "listSessionHosts") {
    return listPage(
      request,
      url,
      pool.sessionHosts,
      pool.sessionPageSize,
      (host) => sessionHostJson(pool, host),
      "omit",
    );
  }

  const hostLookup = findSessionHost(pool, params);
  if ("error" in hostLookup) return hostLookup.error;
  const { host } = hostLookup;
  if (operation === "listSessionHostUserSessions") {
    return listPage(
      request,
      url,
      host.sessions,
      pool.sessionPageSize,
      (session) => userSessionJson(pool, host, session),
      "null",
    );
  }

  const index = host.sessions.findIndex((candidate) => candidate.id === params.sessionId);
  const session = host.sessions[index];
  if (session === undefined) {
    if (operation === "deleteUserSession" && engine.scenario.missingSessionDeleteStatus === 204) return { status: 204 };
    return sessionNotFound(context.activityId);
  }

  switch (operation) {
    case "getUserSession":
      return { status: 200, body: userSessionJson(pool, host, session) };
    case "deleteUserSession": {
      if (session.vanishesBeforeDelete !== undefined) {
        host.sessions.splice(index, 1);
        return session.vanishesBeforeDelete === 204 ? { status: 204 } : sessionNotFound(context.activityId);
      }
      const force = queryValue(url, "force")?.toLowerCase() === "true";
      // Emulator assumption: logging off an active session needs force=true, so code that forgets it is caught.
      if (session.sessionState === "Active" && !force) {
        return armError(
          400,
          "ActiveSessionLogoffRequiresForce",
          `User session '${session.id}' on session host '${host.name}' is active; set force=true to log the user off.`,
        );
      }
      host.sessions.splice(index, 1);
      // Recorded live: 204 with no body for a session that was there.
      return { status: engine.scenario.deleteStatus };
    }
    case "disconnectUserSession":
      session.sessionState = "Disconnected";
      return { status: 200 };
    case "sendMessage":
      return recordMessage(session, context.body, engine.now());
    default:
      return armError(500, "InternalServerError", `Operation ${String(operation)} has no handler.`);
  }
}

function recordMessage(session: SessionRecord, body: string, atMs: number): Reply {
  let parsed: unknown = {};
  if (body.trim() !== "") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return armError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return armError(
      400,
      "InvalidRequestContent",
      "The request content must be a JSON object with messageTitle and messageBody.",
    );
  }
  const { messageTitle, messageBody } = parsed as Record<string, unknown>;
  session.messages.push({
    messageTitle: typeof messageTitle === "string" ? messageTitle : "",
    messageBody: typeof messageBody === "string" ? messageBody : "",
    atMs,
  });
  return { status: 200 };
}

/**
 * One page of a listing. Paging is by offset over the current state, so a caller that deletes while
 * it pages can see items shift, as with any live listing; `nextLink` is absolute and carries
 * api-version, `$filter`, `pageSize`, `isDescending`, `initialSkip` and an opaque `$skipToken`. The
 * last page writes `"nextLink": null` or leaves the key out, as the listing does live.
 */
function listPage<T>(
  request: IncomingMessage,
  url: URL,
  items: readonly T[],
  serverPageSize: number,
  toJson: (item: T) => object,
  lastPage: "null" | "omit",
): Reply {
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

function authenticate(
  request: IncomingMessage,
  acceptedAudiences: readonly string[],
  nowMs: number,
): Reply | undefined {
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
function unauthorized(code: string, message: string): Reply {
  return armError(401, code, message, {
    "www-authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="${message.replaceAll('"', "'")}"`,
  });
}

function principalOf(request: IncomingMessage): string {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "");
  return (bearer === null ? undefined : lookupToken(bearer[1] as string)?.clientId) ?? "unknown";
}

function findSubscription(engine: EmulatorEngine, subscriptionId: string): SubscriptionRecord | undefined {
  return engine.world.subscriptions.find(
    (subscription) => subscription.id.toLowerCase() === subscriptionId.toLowerCase(),
  );
}

function findHostPool(
  subscription: SubscriptionRecord,
  params: ArmRouteParams,
): { pool: HostPoolRecord } | { error: Reply } {
  const resourceGroup = params.resourceGroup ?? "";
  const inGroup = subscription.hostPools.filter(
    (pool) => pool.resourceGroup.toLowerCase() === resourceGroup.toLowerCase(),
  );
  if (inGroup.length === 0) {
    return { error: armError(404, "ResourceGroupNotFound", `Resource group '${resourceGroup}' could not be found.`) };
  }
  const pool = inGroup.find((candidate) => candidate.name.toLowerCase() === (params.hostPool ?? "").toLowerCase());
  if (pool === undefined) {
    return { error: resourceNotFound(`hostPools/${params.hostPool}`, resourceGroup) };
  }
  return { pool };
}

function findSessionHost(pool: HostPoolRecord, params: ArmRouteParams): { host: SessionHostRecord } | { error: Reply } {
  const host = pool.sessionHosts.find(
    (candidate) => candidate.name.toLowerCase() === (params.sessionHost ?? "").toLowerCase(),
  );
  if (host === undefined) {
    return { error: resourceNotFound(`hostPools/${pool.name}/sessionHosts/${params.sessionHost}`, pool.resourceGroup) };
  }
  return { host };
}

/** ARM's 404 for a missing resource, with its wording. */
function resourceNotFound(typedName: string, resourceGroup: string): Reply {
  return armError(
    404,
    "ResourceNotFound",
    `The Resource 'Microsoft.DesktopVirtualization/${typedName}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** The service's own 404 for a session, as recorded live: code "404", the ActivityId in the message. */
function sessionNotFound(activityId: string): Reply {
  return armError(404, "404", `ActivityId: ${activityId} Error: User session does not exist`);
}

function latencyFor(engine: EmulatorEngine, params: Partial<ArmRouteParams>): number {
  const scenario = engine.scenario;
  if (params.subscriptionId === undefined) return scenario.latencyMs;
  const subscription = findSubscription(engine, params.subscriptionId);
  if (subscription === undefined) return scenario.latencyMs;
  const pool =
    params.hostPool === undefined
      ? undefined
      : subscription.hostPools.find(
          (candidate) =>
            candidate.name.toLowerCase() === params.hostPool?.toLowerCase() &&
            candidate.resourceGroup.toLowerCase() === params.resourceGroup?.toLowerCase(),
        );
  // The most specific setting wins: host pool, then subscription, then scenario.
  return pool?.latencyMs ?? subscription.latencyMs ?? scenario.latencyMs;
}

function throttleCategory(method: string): ThrottleCategory {
  if (method === "GET" || method === "HEAD") return "reads";
  return method === "DELETE" ? "deletes" : "writes";
}

function armError(status: number, code: string, message: string, headers: Record<string, string> = {}): Reply {
  return { status, body: { error: { code, message } }, headers };
}

function defaultCode(status: number): string {
  const known: Record<number, string> = {
    400: "BadRequest",
    401: "InvalidAuthenticationToken",
    403: "AuthorizationFailed",
    404: "ResourceNotFound",
    409: "Conflict",
    429: "SubscriptionRequestsThrottled",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
  };
  return known[status] ?? (STATUS_CODES[status] ?? "Error").replace(/[^a-z]/gi, "");
}

function errorCodeOf(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === "string" ? code : undefined;
}

function sameName(expected: string | undefined, actual: string | undefined): boolean {
  return expected === undefined || expected.toLowerCase() === actual?.toLowerCase();
}

/** ARM reads query parameter names case-insensitively. */
function queryValue(url: URL, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of url.searchParams) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
