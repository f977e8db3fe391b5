import { z } from "zod";
import { signOutModes } from "../signOutMode";

// The report is described in zod, and its types inferred from that, so that the OpenAPI document's
// response schema is derived from what the engine returns and cannot drift from it.

export const upstreamErrorSchema = z.object({
  code: z.string(),
  statusCode: z.number().int().optional(),
  message: z.string(),
});

export const sessionOutcomes = [
  "signedOut",
  "disconnected",
  /** Mode disconnect, and the listing showed the session disconnected already: nothing to do. */
  "alreadyDisconnected",
  "alreadyGone",
  "wouldSignOut",
  "wouldDisconnect",
  "failed",
  /** The deadline came before the action was confirmed; a retry finishes the job. */
  "deadlineExceeded",
  /** The `notify` stage of an asynchronous job: messaged (or not shown); the action follows after the grace period. */
  "pendingAction",
  /**
   * Verification: the service answered the action with success, yet the session was still listed
   * (still connected, in mode disconnect) when the verification window closed. A failure: a retry
   * acts on it again.
   */
  "stillPresent",
  /**
   * The requested UPN on a session whose (real) object id is another account's, when the request
   * named the account by object id: a UPN that changed hands. Not touched; does not fail the request.
   */
  "otherAccount",
  /**
   * The session's account is protected (AVD_PROTECTED_USERS, by object id or UPN), although the
   * request named it by another key (a renamed account): not touched, and the request fails.
   */
  "protected",
] as const;
export type SessionOutcome = (typeof sessionOutcomes)[number];

/** `sent`; `failed` (reported, the action still runs); `notShown`: not Active, so it could not show one; `wouldSend`: dry run. */
export const notificationOutcomes = ["sent", "failed", "notShown", "wouldSend"] as const;
export type NotificationOutcome = (typeof notificationOutcomes)[number];

export const sessionResultSchema = z.object({
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  hostPool: z.string(),
  sessionHost: z.string(),
  sessionId: z.string(),
  userPrincipalName: z.string().meta({
    description:
      "As the service stores it; may differ in case from the request, and is the UPN the session was opened with (an account renamed since keeps its old one here).",
  }),
  objectId: z.string().optional().meta({
    description:
      "The account's Entra object id as the service reports it; the all-zero id names nobody (such a session is matched by its UPN only).",
  }),
  matchedBy: z.enum(["objectId", "userPrincipalName"]).optional().meta({
    description:
      "Which requested key found the session: objectId (the account's object id) or userPrincipalName (the UPN, with the session's object id absent, all zeros, or the requested one).",
  }),
  sessionState: z.string(),
  outcome: z.enum(sessionOutcomes),
  error: upstreamErrorSchema.optional(),
  upstreamStatus: z.number().int().optional().meta({
    description:
      "The service's HTTP status for the action: a delete answered 204 says the session is gone now, not whether this call ended it.",
  }),
  notification: z.enum(notificationOutcomes).optional(),
  notificationError: upstreamErrorSchema.optional(),
  sessionHostStatus: z.string().optional().meta({
    description:
      "Why a session may have stayed: its session host's status as the service reports it (Available, Unavailable, Shutdown, NoHeartbeat, …), read only when the session is stillPresent or its action failed.",
  }),
  verified: z.boolean().optional().meta({
    description:
      "true: with verify, a listing made after the action no longer showed the session (or showed it Disconnected, in mode disconnect). Absent: not verified.",
  }),
});
export type SessionResult = z.output<typeof sessionResultSchema>;

export const errorScopes = ["subscription", "hostPool", "session"] as const;
export type ErrorScope = (typeof errorScopes)[number];

export const reportedErrorSchema = upstreamErrorSchema.extend({
  scope: z.enum(errorScopes),
  subscriptionId: z.string(),
  resourceGroup: z.string().optional(),
  hostPool: z.string().optional(),
  sessionHost: z.string().optional(),
  sessionId: z.string().optional(),
});
export type ReportedError = z.output<typeof reportedErrorSchema>;

/** `completed`: every matching session handled; `failed`: something upstream failed; `deadlineExceeded`: partial. */
export const signOutStatuses = ["completed", "failed", "deadlineExceeded"] as const;
export type SignOutStatus = (typeof signOutStatuses)[number];

const count = z.number().int().min(0);
export const signOutCountsSchema = z.object({
  subscriptions: count,
  hostPoolsScanned: count,
  sessionsFound: count,
  signedOut: count,
  alreadyGone: count,
  wouldSignOut: count,
  failed: count,
  deadlineExceeded: count,
  /** Sessions a later listing confirmed gone (or disconnected); 0 without verify. */
  verified: count,
  /** Sessions still listed when verification gave up: failures. */
  stillPresent: count,
  /** Sessions of another account under a requested UPN (see outcome otherAccount); present when any. */
  otherAccount: count.optional(),
  /** Sessions of protected accounts not acted on (see outcome protected); present when any. */
  protected: count.optional(),
  /** Present in mode disconnect only, so that a logoff report keeps its shape. */
  disconnected: count.optional(),
  alreadyDisconnected: count.optional(),
  wouldDisconnect: count.optional(),
});
export type SignOutCounts = z.output<typeof signOutCountsSchema>;

export const userReportSchema = z.object({
  userPrincipalName: z.string().optional().meta({ description: "As requested, when the request named one." }),
  objectId: z.string().optional().meta({ description: "As requested, when the request named one." }),
  status: z.enum(signOutStatuses),
  counts: signOutCountsSchema.omit({ subscriptions: true, hostPoolsScanned: true }),
  sessions: z.array(sessionResultSchema),
});
export type UserReport = z.output<typeof userReportSchema>;

export const callerSchema = z.object({
  name: z.string().optional(),
  objectId: z.string().optional(),
  identityProvider: z.string().optional(),
  roles: z.array(z.string()),
});
export type Caller = z.output<typeof callerSchema>;

export const listingStrategies = ["unfilteredPerHostPool", "filteredPerUser"] as const;
export type ListingStrategy = (typeof listingStrategies)[number];

export const signOutReportSchema = z.object({
  operationId: z.string(),
  /** Single-user requests. */
  userPrincipalName: z.string().optional(),
  /** Single-user requests that named the account by object id. */
  userObjectId: z.string().optional(),
  /** Batch requests, de-duplicated, when no user in them was named by object id (users[] names each). */
  userPrincipalNames: z.array(z.string()).optional(),
  mode: z.enum(signOutModes),
  dryRun: z.boolean(),
  status: z.enum(signOutStatuses),
  startedAt: z.string(),
  durationMs: count,
  strategy: z.enum(listingStrategies),
  scope: z.object({
    subscriptionIds: z.array(z.string()),
    hostPools: z.array(z.string()).optional(),
  }),
  /** Requested host pools that no scanned subscription listed. */
  hostPoolsNotFound: z.array(z.string()).optional(),
  requestedBy: z.string().optional(),
  reason: z.string().optional(),
  caller: callerSchema.optional(),
  gracePeriodSeconds: count.optional(),
  notifications: z
    .object({ sent: count, failed: count, notShown: count, wouldSend: count })
    .optional()
    .meta({ description: "Present when notify was requested." }),
  counts: signOutCountsSchema,
  users: z.array(userReportSchema),
  sessions: z.array(sessionResultSchema),
  errors: z.array(reportedErrorSchema),
  warnings: z.array(z.string()).optional().meta({
    description:
      "Things worth checking that did not make the request fail, e.g. a subscription with no visible host pools.",
  }),
});
export type SignOutReport = z.output<typeof signOutReportSchema>;
