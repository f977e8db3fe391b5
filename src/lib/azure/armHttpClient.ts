import type { IncomingMessage } from "node:http";
import { request as httpsRequest, type Agent, type RequestOptions } from "node:https";
import { RestError, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { abortError } from "../base/clock";
import { onAbort } from "../base/onAbort";
import { answerTooLarge, maxArmAnswerBytes } from "./armAnswerLimit";
import { ArmResponseHeaders } from "./armResponseHeaders";

export const unsupportedRequestCode = "UnsupportedArmRequest";

/**
 * The transport at the bottom of the ARM pipeline, in place of the SDK's general one: ARM's JSON
 * calls need a string body or none, the answer as text, no compression, no progress and no
 * streams, and the SDK client's stream plumbing for all of that was a fifth of the function's CPU
 * on large tenants. Retries, Retry-After, the token, the budget and the origin guard stay in the
 * pipeline above; this only sends what they let through, over the instance's keep-alive agent
 * (or the proxy agent the pipeline's proxy policy chose). Errors take the shapes the pipeline's
 * retry policy reads: a system error's `code` (ECONNRESET and the like are retried) and an
 * `AbortError` when the request's signal aborts.
 */
export function createArmHttpClient(resourceManagerEndpoint: string, agent: Agent): HttpClient {
  const origin = new URL(resourceManagerEndpoint);
  const originPrefix = `${origin.origin}/`;
  return {
    sendRequest: (request) => {
      const body = request.body;
      if ((body !== undefined && typeof body !== "string") || request.streamResponseStatusCodes !== undefined) {
        return Promise.reject(
          new RestError("The ARM transport sends string bodies and reads text answers only.", {
            code: unsupportedRequestCode,
          }),
        );
      }
      // The origin guard has let through ARM's origin only: its URLs need no parsing, except for
      // spellings of it such as an explicit `:443`.
      const target: Pick<RequestOptions, "hostname" | "port" | "path"> = request.url.startsWith(originPrefix)
        ? { hostname: origin.hostname, port: origin.port, path: request.url.slice(origin.origin.length) }
        : pathOf(new URL(request.url));
      const headers = request.headers.toJSON();
      if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
      return send(request, body, {
        ...target,
        method: request.method,
        headers,
        // The pipeline's own Agent type is a structural sketch of node's; the proxy policy sets a real one.
        agent: (request.agent as Agent | undefined) ?? agent,
      });
    },
  };
}

function pathOf(url: URL): Pick<RequestOptions, "hostname" | "port" | "path"> {
  return { hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}` };
}

function send(request: PipelineRequest, body: string | undefined, options: RequestOptions): Promise<PipelineResponse> {
  const signal = request.abortSignal;
  if (signal?.aborted === true) return Promise.reject(abortError());
  return new Promise((resolve, reject) => {
    let settled = false;
    let stopListening = (): void => undefined;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      stopListening();
      outcome();
    };
    const fail = (error: Error & { code?: string }): void =>
      settle(() =>
        // A bare message and code: the request, with its token, stays out of the error.
        reject(new RestError(error.message, { code: error.code ?? RestError.REQUEST_SEND_ERROR })),
      );

    const outgoing = httpsRequest(options, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxArmAnswerBytes) {
          // Abandoned as soon as it passes the cap: the connection goes, and nothing more is read.
          settle(() => reject(answerTooLarge(response.statusCode ?? 0)));
          outgoing.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on("end", () =>
        settle(() =>
          resolve({
            request,
            status: response.statusCode ?? 0,
            headers: new ArmResponseHeaders(response.headers),
            bodyAsText: (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8"),
          }),
        ),
      );
      // A connection lost mid-answer: the part read is not an answer.
      response.on("error", fail);
    });
    outgoing.on("error", fail);
    if (signal !== undefined) {
      stopListening = onAbort(signal, () => {
        settle(() => reject(abortError("The request was aborted while in flight.")));
        outgoing.destroy();
      });
    }
    outgoing.end(body);
  });
}
