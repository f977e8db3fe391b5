import { z } from "zod";
import { err, ok, type Result } from "../base/result";

/**
 * Users per message. 200 UPNs of at most 113 characters (plus B2B names) stay near 30 KiB of JSON,
 * about 40 KiB in base64: well under a queue message's 64 KiB.
 */
export const maxUsersPerMessage = 200;

export const operationIdPattern = /^[\w-]{22}$/;

export const jobStages = ["all", "notify", "act"] as const;
export type JobStage = (typeof jobStages)[number];

/** One chunk of one operation at one stage; everything else about the job is in the operation record. */
export const jobMessageSchema = z.strictObject({
  v: z.literal(1),
  operationId: z.string().regex(operationIdPattern),
  chunk: z.number().int().min(0).max(9999),
  stage: z.enum(jobStages),
  userPrincipalNames: z.array(z.string().min(1).max(1024)).min(1).max(maxUsersPerMessage),
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

export function chunkUsers(userPrincipalNames: readonly string[]): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < userPrincipalNames.length; start += maxUsersPerMessage) {
    chunks.push(userPrincipalNames.slice(start, start + maxUsersPerMessage));
  }
  return chunks;
}
