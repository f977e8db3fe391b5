import type { HttpRequest } from "@azure/functions";
import { err, ok, type Result } from "../base/result";

/** Above any valid request (100 UPNs of at most 256 characters, a 1000-character message), far below anything costly. */
export const maxBodyBytes = 64 * 1024;

export type BodyProblem =
  | { readonly code: "BodyTooLarge"; readonly message: string }
  | { readonly code: "EmptyBody"; readonly message: string }
  | { readonly code: "InvalidJson"; readonly message: string };

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
  const text = bytes.toString("utf8");
  if (text.trim() === "") {
    return err({ code: "EmptyBody", message: "The request body is empty; send a JSON object." });
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err({ code: "InvalidJson", message: "The request body is not valid JSON." });
  }
}
