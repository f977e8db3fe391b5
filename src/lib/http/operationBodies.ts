import { z } from "zod";
import { sessionResultSchema, signOutCountsSchema, signOutReportSchema, signOutStatuses } from "../engine/report";

import { operationPhases, operationProgressFieldsSchema } from "../jobs";

// The asynchronous answers, described in zod like the report so that the OpenAPI document follows them.

const count = z.number().int().min(0);

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

/** The 202 of the POST and of the status URL while work remains (or while its record cannot be read). */
export const operationProgressSchema = operationProgressFieldsSchema.partial().extend({
  operationId: z.string(),
  status: z.literal("running"),
  phase: z.enum([...operationPhases, "storageUnavailable"]).meta({
    description:
      "queued: waiting for a consumer; notifying: sending the messages; waiting: the grace period runs (until waitingUntil); signingOut: acting; storageUnavailable: the record cannot be read just now, so the operation is not known to be finished — keep polling.",
  }),
  statusUrl: z.string().meta({ description: "The same URL as the Location header: poll it, no key needed." }),
  createdAt: z.string().optional(),
  expiresAt: z.string().optional(),
});
export type OperationProgressBody = z.output<typeof operationProgressSchema>;

const compactUserSchema = z
  .object({
    userPrincipalName: z.string().optional(),
    objectId: z.string().optional(),
    status: z.enum(signOutStatuses),
    counts: signOutCountsSchema.omit({ subscriptions: true, hostPoolsScanned: true }).partial(),
    sessions: z.array(sessionResultSchema).optional(),
  })
  .meta({
    description: "Compact answers give each user's status and the counts that are not zero; full ones add sessions.",
  });

/** The final answer of the status URL: the synchronous report's shape, plus the operation's record. */
export const operationReportSchema = signOutReportSchema.extend({
  detail: z.enum(["full", "compact"]).meta({
    description:
      "full: every session (operations of at most 100 users, or ?detail=full). compact (larger ones): counts, each user's status and non-zero counts, and every session that failed or could not be confirmed; the full list page by page with ?detail=sessions&page=N.",
  }),
  users: z.array(compactUserSchema),
  sessionsNotListed: count
    .optional()
    .meta({ description: "Compact answers: failed or unconfirmed sessions beyond what each chunk keeps listed." }),
  sessionPages: count
    .optional()
    .meta({ description: "How many pages ?detail=sessions&page=N has (0 to sessionPages − 1)." }),
  operation: operationInfoSchema,
});
export type OperationReportBody = z.output<typeof operationReportSchema>;

/** One page of an operation's sessions: `?detail=sessions&page=N`, one chunk of users per page. */
export const operationSessionsPageSchema = z.object({
  operationId: z.string(),
  status: z.enum(["running", ...signOutStatuses]),
  page: count,
  pages: count,
  nextPage: z.string().optional().meta({ description: "The URL of the next page; absent on the last." }),
  sessions: z.array(sessionResultSchema),
});
export type OperationSessionsPageBody = z.output<typeof operationSessionsPageSchema>;
