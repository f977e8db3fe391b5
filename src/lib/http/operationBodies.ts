import { z } from "zod";
import { signOutCountsSchema, signOutReportSchema } from "../engine/signOutReport";

// The asynchronous answers, described in zod like the report so that the OpenAPI document follows them.

const count = z.number().int().min(0);

export const operationPhases = ["queued", "notifying", "waiting", "signingOut"] as const;

export const operationFailureSchema = z.object({ code: z.string(), message: z.string() });

export const operationInfoSchema = z
  .object({
    operationId: z.string().meta({ description: "Random and unguessable; names the operation in the status URL." }),
    status: z.enum(["running", "completed", "failed", "deadlineExceeded"]),
    createdAt: z.string(),
    completedAt: z.string().optional(),
    expiresAt: z
      .string()
      .meta({ description: "When the record and its status URL are deleted (AVD_OPERATION_RETENTION_DAYS)." }),
    failures: z.array(operationFailureSchema).meta({
      description:
        "Why part of the job could not run at all, e.g. a message that failed 5 times (MessageFailedRepeatedly).",
    }),
  })
  .meta({ title: "Operation" });

/** The 202 of the POST and of the status URL while work remains. */
export const operationProgressSchema = z.object({
  operationId: z.string(),
  status: z.literal("running"),
  phase: z.enum(operationPhases).meta({
    description:
      "queued: waiting for a consumer; notifying: sending the messages; waiting: the grace period runs (until waitingUntil); signingOut: acting.",
  }),
  waitingUntil: z.string().optional(),
  statusUrl: z.string().meta({ description: "The same URL as the Location header: poll it, no key needed." }),
  createdAt: z.string(),
  expiresAt: z.string(),
  users: count,
  chunks: z.object({ total: count, queued: count, notified: count, done: count, failed: count }),
  counts: signOutCountsSchema.omit({ subscriptions: true, hostPoolsScanned: true }),
  notifications: z.object({ sent: count, failed: count, notShown: count, wouldSend: count }).optional(),
});
export type OperationProgressBody = z.output<typeof operationProgressSchema>;

/** The final answer of the status URL: the synchronous report, plus the operation's record. */
export const operationReportSchema = signOutReportSchema.extend({ operation: operationInfoSchema });
export type OperationReportBody = z.output<typeof operationReportSchema>;
