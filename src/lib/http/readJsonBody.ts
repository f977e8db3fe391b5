import type { HttpRequest } from "@azure/functions";
import { err, ok, type Result } from "../base/result";
import { findDuplicateKeys } from "../base/findDuplicateKeys";

/** Above any valid request (100 UPNs of at most 256 characters, a 1000-character message), far below anything costly. */
export const maxBodyBytes = 64 * 1024;

export type BodyProblem =
  | { readonly code: "BodyTooLarge"; readonly message: string }
  | { readonly code: "EmptyBody"; readonly message: string }
  | { readonly code: "InvalidJson"; readonly message: string }
  | { readonly code: "DuplicateKey"; readonly message: string; readonly fields: readonly string[] };

// As the platform's request.json() decodes: UTF-8, a leading byte order mark dropped.
const utf8 = new TextDecoder("utf-8");

/** Asynchronous requests (`Prefer: respond-async`) may carry up to 10,000 users. */
export const maxAsyncBodyBytes = 2 * 1024 * 1024;

export async function readJsonBody(
  request: HttpRequest,
  maxBytes: number = maxBodyBytes,
): Promise<Result<unknown, BodyProblem>> {
  const tooLarge = {
    code: "BodyTooLarge",
    message:
      maxBytes < maxAsyncBodyBytes
        ? `The request body must be at most ${maxBytes} bytes (${maxAsyncBodyBytes} with Prefer: respond-async).`
        : `The request body must be at most ${maxBytes} bytes.`,
  } as const;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > maxBytes) return err(tooLarge);

  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.byteLength > maxBytes) return err(tooLarge);
  const text = utf8.decode(bytes);
  if (text.trim() === "") {
    return err({ code: "EmptyBody", message: "The request body is empty; send a JSON object." });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return err({ code: "InvalidJson", message: "The request body is not valid JSON." });
  }
  const duplicates = findDuplicateKeys(text);
  if (duplicates.length > 0) {
    return err({
      code: "DuplicateKey",
      message: `The request body gives a key more than once: ${duplicates.join(", ")}.`,
      fields: duplicates,
    });
  }
  return ok(value);
}
