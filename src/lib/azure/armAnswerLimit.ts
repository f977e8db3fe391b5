import type { Readable } from "node:stream";
import { RestError, type PipelinePolicy, type PipelineResponse } from "@azure/core-rest-pipeline";
import { isAbortError } from "./upstreamError";

/**
 * The most of one ARM answer the app reads, counted after decompression. ARM's pages are hundreds
 * of KiB (a few hundred sessions or host pools); anything near this is not a page but a fault, and
 * reading it would cost the instance its memory (a Flex instance has 2 GiB, shared by every request
 * and job delivery in flight). The answer is abandoned, its connection destroyed, and the call fails.
 */
export const maxArmAnswerBytes = 32 * 1024 * 1024;

export const answerTooLargeCode = "ArmAnswerTooLarge";

export function answerTooLarge(statusCode: number): RestError {
  return new RestError(
    `The service's answer passed ${maxArmAnswerBytes / (1024 * 1024)} MiB and was abandoned unread.`,
    { code: answerTooLargeCode, statusCode },
  );
}

const everyStatus = new Set([Number.POSITIVE_INFINITY]);

/**
 * The policy next to the transport: every answer comes as a stream (the pipeline's HTTP client
 * would otherwise read any size into memory), read here up to the cap — after decompression, so
 * a small gzip bomb counts at its real size — and handed up as text, so the retry policy and the
 * listings above see an ordinary answer. A connection lost mid-answer fails the attempt with the
 * socket's code (ECONNRESET is retried); the part read is never an answer. Errors leave without
 * the request they came with: it carries the bearer token.
 */
export function boundedAnswerPolicy(): PipelinePolicy {
  return {
    name: "avdUserSignoutBoundedAnswer",
    sendRequest: async (request, next) => {
      request.streamResponseStatusCodes = everyStatus;
      let response: PipelineResponse;
      try {
        response = await next(request);
      } catch (error) {
        throw withoutRequest(error);
      }
      const body = response.readableStreamBody;
      if (body === undefined) return response;
      const bodyAsText = await readWithin(body as Readable, response.status);
      return { request, status: response.status, headers: response.headers, bodyAsText };
    },
  };
}

function readWithin(stream: Readable, status: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const stop = (): void => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.off("close", onClose);
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > maxArmAnswerBytes) {
        stop();
        // Abandoned the moment it passes the cap: destroying the stream drops its connection.
        stream.on("error", ignore);
        stream.destroy();
        reject(answerTooLarge(status));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks, bytes).toString("utf8"));
    };
    const onError = (error: unknown): void => {
      stop();
      reject(withoutRequest(error));
    };
    const onClose = (): void =>
      onError(Object.assign(new Error("The connection closed before the answer ended."), { code: "ECONNRESET" }));
    stream.on("data", onData);
    stream.once("end", onEnd);
    stream.once("error", onError);
    stream.once("close", onClose);
  });
}

function ignore(): void {
  // The stream was destroyed on purpose; what it says as it goes is not news.
}

/** A transport error as the retry policy reads it (name, code), without the request and its token. */
function withoutRequest(error: unknown): Error {
  if (isAbortError(error)) return error as Error;
  const message =
    typeof error === "object" && error !== null && typeof (error as Error).message === "string"
      ? (error as Error).message
      : "The request failed.";
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return new RestError(message, { code: typeof code === "string" ? code : RestError.REQUEST_SEND_ERROR });
}
