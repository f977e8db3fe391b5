import { z } from "zod";
import { err, ok, type Result } from "../base/result";
import { signOutStages } from "../engine/signOutOrder";
import { maxChunksPerOperation } from "./chunkUsers";

export const operationIdPattern = /^[\w-]{22}$/;

/** Longer than any job message could be (base64 or not): refused before it is parsed. */
const maxMessageLength = 4096;

/**
 * A job message is a pointer: which operation, which chunk, which stage. Users, options and each
 * stage's preconditions come from the operation's record, so a message someone else wrote to the
 * queue can at most ask for a step the record already allows.
 */
export const jobMessageSchema = z.strictObject({
  v: z.literal(2),
  operationId: z.string().regex(operationIdPattern),
  chunk: z
    .number()
    .int()
    .min(0)
    .max(maxChunksPerOperation - 1),
  stage: z.enum(signOutStages),
});
export type JobMessage = z.output<typeof jobMessageSchema>;

/** Base64 JSON: the Functions host's default queue message encoding. */
export function encodeJobMessage(message: JobMessage): string {
  return Buffer.from(JSON.stringify(message), "utf8").toString("base64");
}

/**
 * The host hands a queue trigger the decoded message: a JSON message arrives as an object, other
 * text as a string. A string is read as JSON, or as base64 JSON (a message peeked from the queue).
 */
export function decodeJobMessage(entry: unknown): Result<JobMessage, string> {
  let value = entry;
  if (typeof entry === "string") {
    if (entry.length > maxMessageLength) return err("the message is far longer than a job message");
    const text = entry.trim().startsWith("{") ? entry : Buffer.from(entry, "base64").toString("utf8");
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      return err("the message is not JSON");
    }
  }
  const parsed = jobMessageSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(`the message is not a job message (${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"})`);
  }
  return ok(parsed.data);
}
