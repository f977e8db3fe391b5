import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { answerArmRequest } from "./arm/answerArmRequest";
import { armError, errorCodeOf, type ArmReply } from "./arm/armReply";
import { headerValue } from "./arm/armRequest";
import { latencyFor } from "./arm/findArmResources";
import type { EmulatorEngine } from "./emulatorEngine";
import { writeStreamedAnswer } from "./arm/streamedAnswer";
import { matchArmRoute, type ArmRouteParams } from "./matchArmRoute";
import type { RequestGates } from "./requestGates";

export interface ArmHandlerOptions {
  readonly engine: EmulatorEngine;
  readonly acceptedAudiences: readonly string[];
  readonly gates?: RequestGates;
}

/**
 * The ARM listener's request handler: reads the request, holds it at the test gates, waits out the
 * latency, has `answerArmRequest` decide the reply, logs the call and writes the reply.
 */
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

    const send = (reply: ArmReply): void => {
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
      const headers = {
        "cache-control": "no-cache",
        "x-ms-request-id": randomUUID(),
        "x-ms-correlation-request-id": correlation,
        "x-ms-correlation-id": activityId,
      };
      if (reply.stream !== undefined) {
        writeStreamedAnswer(response, reply.stream, reply.body, { ...headers, ...reply.headers }, (entry) =>
          engine.recordStreamedAnswer({ path: url.pathname, ...entry }),
        );
        return;
      }
      if (reply.cutOff === true && text === "") {
        response.socket?.destroy();
        return;
      }
      response.writeHead(reply.status, {
        ...headers,
        ...(text === "" ? {} : { "content-type": contentType }),
        "content-length": String(Buffer.byteLength(text)),
        ...reply.headers,
      });
      if (reply.cutOff === true) {
        const half = Buffer.from(text).subarray(0, Math.floor(Buffer.byteLength(text) / 2));
        response.write(half, () => response.socket?.destroy());
        return;
      }
      response.end(text);
    };

    readBody(request)
      .then(async (body) => {
        await options.gates?.pass({ operation, method, ...params });
        const latency = latencyFor(engine, params);
        if (latency > 0) await delay(latency);
        send(answerArmRequest(options, { request, url, method, body, activityId }, match));
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

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
