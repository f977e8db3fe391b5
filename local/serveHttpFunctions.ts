import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { applyAppServiceAuthentication, type EmulatedAuthentication } from "./emulateAppServiceAuthentication";
import type { RegisteredFunction } from "./functionsCoreStandIn/coreApi";
import type { ProgrammingModel, RpcHttpData, RpcTypedData } from "./functionsCoreStandIn/coreTypes";
import { invokeRegisteredFunction, triggerBindingName } from "./invokeRegisteredFunction";
import { matchRoute } from "./matchRoute";

export interface HttpRoute {
  readonly function: RegisteredFunction;
  readonly route: string;
  readonly methods: readonly string[];
  readonly authLevel: string;
}

export interface ServeOptions {
  readonly port: number;
  readonly functionKey: string;
  readonly log: (line: string) => void;
  /** App Service Authentication (AllowAnonymous) in front of the host, with these test tokens. */
  readonly authentication?: EmulatedAuthentication | undefined;
}

/** The HTTP-triggered functions and what their `httpTrigger` binding says, as the host reads it. */
export function httpRoutes(functions: readonly RegisteredFunction[]): HttpRoute[] {
  return functions.flatMap((fn) => {
    const trigger = fn.metadata.bindings[triggerBindingName(fn)];
    if (trigger?.type?.toLowerCase() !== "httptrigger") return [];
    const methods = Array.isArray(trigger.methods) ? (trigger.methods as string[]) : ["GET", "POST"];
    return [
      {
        function: fn,
        route: typeof trigger.route === "string" ? trigger.route : fn.metadata.name,
        methods: methods.map((method) => method.toUpperCase()),
        authLevel: typeof trigger.authLevel === "string" ? trigger.authLevel.toLowerCase() : "anonymous",
      },
    ];
  });
}

function keyMatches(presented: string | null, expected: string): boolean {
  if (presented === null) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function bodyBytes(body: RpcTypedData | null | undefined): Buffer {
  if (body?.bytes) return Buffer.from(body.bytes);
  if (typeof body?.string === "string") return Buffer.from(body.string);
  return Buffer.alloc(0);
}

function writeResponse(response: ServerResponse, http: RpcHttpData | null | undefined): void {
  // A function that returns nothing: 204 here (what the real host answers is not verified).
  if (http === null || http === undefined) {
    response.writeHead(204).end();
    return;
  }
  response.writeHead(Number(http.statusCode ?? "200"), http.headers ?? {});
  response.end(bodyBytes(http.body));
}

/**
 * Serves HTTP-triggered functions under /api/<route> with the host's function-key check
 * (`x-functions-key` header or `code` query parameter) for `function` and `admin` auth levels; the
 * request goes through the library's invocation model, so handlers get a real `HttpRequest`. With
 * `authentication`, App Service Authentication is emulated in front of that check.
 */
export function serveHttpFunctions(
  programmingModel: ProgrammingModel,
  routes: readonly HttpRoute[],
  options: ServeOptions,
): Promise<Server> {
  const server = createServer((request, response) => {
    void (async () => {
      // As the Functions host does, the request URL names the host the caller used (Host header).
      const url = new URL(request.url ?? "/", `http://${request.headers.host ?? `localhost:${options.port}`}`);
      const apiPath = url.pathname.startsWith("/api/") ? url.pathname.slice("/api/".length) : undefined;
      const matched = routes.flatMap((route) => {
        const params = apiPath === undefined ? undefined : matchRoute(route.route, apiPath);
        return params === undefined ? [] : [{ route, params }];
      });
      if (matched.length === 0) {
        response.writeHead(404).end();
        return;
      }
      const target = matched.find(({ route }) => route.methods.includes(request.method ?? ""));
      if (target === undefined) {
        response.writeHead(405, { allow: [...new Set(matched.flatMap(({ route }) => route.methods))].join(", ") });
        response.end();
        return;
      }
      const { route, params } = target;
      const received: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) received[name] = Array.isArray(value) ? value.join(", ") : value;
      }
      // The platform's authentication runs in front of the Functions host and its key check.
      const authenticated =
        options.authentication === undefined
          ? ({ kind: "pass", headers: received } as const)
          : applyAppServiceAuthentication(received, options.authentication);
      if (authenticated.kind === "reject") {
        response.writeHead(authenticated.statusCode, authenticated.headers).end();
        return;
      }
      const presented = request.headers["x-functions-key"]?.toString() ?? url.searchParams.get("code");
      if (route.authLevel !== "anonymous" && !keyMatches(presented, options.functionKey)) {
        response.writeHead(401).end();
        return;
      }
      const body = await readBody(request);
      const headers = authenticated.headers;
      const started = Date.now();
      const name = route.function.metadata.name;
      const result = await invokeRegisteredFunction(
        programmingModel,
        route.function,
        {
          triggerData: {
            http: {
              method: request.method ?? "GET",
              url: url.toString(),
              headers,
              query: Object.fromEntries(url.searchParams),
              params,
              ...(body.byteLength > 0 ? { body: { bytes: body } } : {}),
            },
          },
        },
        (_id, level, _category, message) => options.log(`[${level}] ${name} ${message}`),
      );
      writeResponse(response, result.returnValue?.http);
      options.log(
        `${request.method} ${url.pathname} -> ${response.statusCode} in ${Date.now() - started} ms (${result.invocationId})`,
      );
    })().catch((error: unknown) => {
      options.log(`request failed: ${String(error)}`);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve(server));
  });
}
