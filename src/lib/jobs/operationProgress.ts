import { z } from "zod";
import { signOutCountsSchema } from "../engine/report";

const count = z.number().int().min(0);

export const operationPhases = ["queued", "notifying", "waiting", "signingOut"] as const;
export type OperationPhase = (typeof operationPhases)[number];

/**
 * Where a running operation stands: the one description of the progress shape, which the status
 * URL's 202 body extends and the OpenAPI document is derived from.
 */
export const operationProgressFieldsSchema = z.object({
  phase: z.enum(operationPhases),
  /** While a grace period runs: when the last chunk's action may run. */
  waitingUntil: z.string().optional(),
  users: count,
  chunks: z.object({ total: count, queued: count, notified: count, done: count, failed: count }),
  /** Sessions handled so far, over the finished chunks. */
  counts: signOutCountsSchema.omit({ subscriptions: true, hostPoolsScanned: true }),
  notifications: z.object({ sent: count, failed: count, notShown: count, wouldSend: count }).optional(),
});
export type OperationProgress = z.output<typeof operationProgressFieldsSchema>;
