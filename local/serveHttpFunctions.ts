import { randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import type { RegisteredHttpFunction } from "./loadRegisteredHttpFunctions";

export interface ServeOptions {
  readonly port: number;
  readonly functionKey: string;
  readonly log: (line: string) => void;
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

function writeResponse(response: ServerResponse, init: HttpResponseInit): void {
  const headers = new Headers(init.headers);
  let body: string | Buffer = "";
  if (init.jsonBody !== undefined) {
    body = JSON.stringify(init.jsonBody);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  } else if (typeof init.body === "string") {
    body = init.body;
  } else if (init.body instanceof Uint8Array) {
    body = Buffer.from(init.body);
  } else if (init.body !== undefined && init.body !== null) {
    throw new Error("this local host serves string, byte and JSON bodies only");
  }
  response.writeHead(init.status ?? 200, Object.fromEntries(headers));
  response.end(body);
}

/**
 * Serves registered HTTP functions under /api/<route> with the host's function-key check
 * (`x-functions-key` header or `code` query parameter), so a local run behaves like the real host
 * for the paths, methods and keys a caller uses.
 */
export function serveHttpFunctions(
  registered: readonly RegisteredHttpFunction[],
  options: ServeOptions,
): Promise<Server> {
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", `http://localhost:${options.port}`);
      const target = registered.find((fn) => `/api/${fn.route}`.toLowerCase() === url.pathname.toLowerCase());
      if (target === undefined) {
        response.writeHead(404).end();
        return;
      }
      if (!target.methods.includes(request.method ?? "")) {
        response.writeHead(405, { allow: target.methods.join(", ") }).end();
        return;
      }
      const presented = request.headers["x-functions-key"]?.toString() ?? url.searchParams.get("code");
      if (target.authLevel !== "anonymous" && !keyMatches(presented, options.functionKey)) {
        response.writeHead(401).end();
        return;
      }
      const body = await readBody(request);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      }
      const invocationId = randomUUID();
      const context = new InvocationContext({
        invocationId,
        functionName: target.name,
        logHandler: (level, ...args) => options.log(`[${level}] ${target.name} ${args.map(String).join(" ")}`),
      });
      const httpRequest = new HttpRequest({
        method: request.method ?? "GET",
        url: url.toString(),
        headers,
        ...(body.byteLength > 0 ? { body: { bytes: body } } : {}),
      });
      const started = Date.now();
      const result = await target.handler(httpRequest, context);
      const init = result as HttpResponseInit;
      writeResponse(response, init);
      options.log(
        `${request.method} ${url.pathname} -> ${init.status ?? 200} in ${Date.now() - started} ms (${invocationId})`,
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
