import { Readable, pipeline } from "node:stream";
import type { ServerResponse } from "node:http";
import { createGzip } from "node:zlib";

/**
 * An answer too large to hold: `endless` never ends, `huge` is a well-formed page of `sizeBytes`.
 * Either starts with the operation's real page (its items, then its nextLink after the padding),
 * so a client that read it through would act on what it lists.
 */
export type AnswerStream =
  | { readonly kind: "endless"; readonly contentEncoding: "identity" | "gzip" }
  | { readonly kind: "huge"; readonly sizeBytes: number; readonly contentEncoding: "identity" | "gzip" };

/** What became of one streamed answer: `abandoned` when the client closed the connection before its end. */
export interface StreamedAnswerRecord {
  readonly path: string;
  readonly kind: AnswerStream["kind"];
  readonly contentEncoding: AnswerStream["contentEncoding"];
  /** Bytes of the body (before compression) handed to the connection. */
  readonly bodyBytesSent: number;
  /** The body's full length (before compression); undefined for an endless one. */
  readonly bodyBytes: number | undefined;
  readonly outcome: "finished" | "abandoned";
}

// An item no listing has: padding that any JSON reader accepts and no client could mistake for a resource.
const padding = JSON.stringify({ name: "padding", properties: { padding: " ".repeat(960) } });
const chunkTarget = 64 * 1024;

/** The page's text around the padding: its items before it, its other keys (nextLink) after. */
function pageParts(body: unknown): { readonly head: string; readonly tail: string; readonly hasItems: boolean } {
  const page = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const items = Array.isArray(page.value) ? page.value.map((item) => JSON.stringify(item)) : [];
  const rest = Object.entries(page)
    .filter(([key]) => key !== "value")
    .map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`)
    .join("");
  return { head: `{"value":[${items.join(",")}`, tail: `]${rest}}`, hasItems: items.length > 0 };
}

/**
 * Writes the answer with back-pressure (the emulator holds one chunk at a time, whatever the size)
 * and reports, once the connection is done with it, whether it was sent to its end.
 */
export function writeStreamedAnswer(
  response: ServerResponse,
  stream: AnswerStream,
  body: unknown,
  headers: Readonly<Record<string, string>>,
  record: (entry: Omit<StreamedAnswerRecord, "path">) => void,
): void {
  const { head, tail, hasItems } = pageParts(body);
  const headBytes = Buffer.byteLength(head);
  const tailBytes = Buffer.byteLength(tail);
  const itemBytes = Buffer.byteLength(padding) + 1;
  const paddingItems =
    stream.kind === "huge" ? Math.max(0, Math.ceil((stream.sizeBytes - headBytes - tailBytes) / itemBytes)) : Infinity;
  const bodyBytes =
    stream.kind === "huge" ? headBytes + paddingItems * itemBytes - (hasItems ? 0 : 1) + tailBytes : undefined;

  let sentItems = 0;
  let bodyBytesSent = 0;
  let started = false;
  let ended = false;
  const source = new Readable({
    read() {
      let chunk = "";
      if (!started) {
        started = true;
        chunk = head;
      }
      while (chunk.length < chunkTarget && sentItems < paddingItems) {
        chunk += sentItems === 0 && !hasItems ? padding : `,${padding}`;
        sentItems += 1;
      }
      if (sentItems >= paddingItems && !ended) {
        ended = true;
        chunk += tail;
      }
      bodyBytesSent += Buffer.byteLength(chunk);
      this.push(chunk);
      if (ended) this.push(null);
    },
  });

  response.writeHead(200, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    ...(stream.contentEncoding === "gzip" ? { "content-encoding": "gzip" } : {}),
    ...(stream.contentEncoding === "identity" && bodyBytes !== undefined
      ? { "content-length": String(bodyBytes) }
      : {}),
  });
  let finished = false;
  response.once("finish", () => (finished = true));
  response.once("close", () =>
    record({
      kind: stream.kind,
      contentEncoding: stream.contentEncoding,
      bodyBytesSent,
      bodyBytes,
      outcome: finished ? "finished" : "abandoned",
    }),
  );
  const done = (): void => undefined;
  if (stream.contentEncoding === "gzip") pipeline(source, createGzip(), response, done);
  else pipeline(source, response, done);
}
