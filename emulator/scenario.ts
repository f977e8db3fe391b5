import { z } from "zod";

export const sessionStates = [
  "Unknown",
  "Active",
  "Disconnected",
  "Pending",
  "LogOff",
  "UserProfileDiskMounted",
] as const;
export type SessionState = (typeof sessionStates)[number];

const idStyleSchema = z.enum(["live", "spec"]);
/** `live`: lower-case segment names and `HP/host/n` names as the service writes them; `spec`: as in the REST examples. */
export type IdStyle = z.infer<typeof idStyleSchema>;

const nonNegativeMs = z.number().int().min(0);
const positiveInt = z.number().int().min(1);

const userSessionSchema = z.strictObject({
  id: z.string().regex(/^[^/?#]+$/, "a session id is one path segment"),
  userPrincipalName: z.string().min(1),
  sessionState: z.enum(sessionStates),
  applicationType: z.enum(["RemoteApp", "Desktop"]).default("Desktop"),
  objectId: z.guid().optional(),
  activeDirectoryUserName: z.string().optional(),
  createTime: z.iso.datetime().optional(),
  /** Listed, but already gone when deleted: the delete answers this status (the service documents 204, 404 is seen live). */
  vanishesBeforeDelete: z.union([z.literal(204), z.literal(404)]).optional(),
});

const sessionHostSchema = z.strictObject({
  name: z.string().regex(/^[^/?#.]+\.[^/?#]+$/, "a session host name is an FQDN"),
  status: z.string().default("Available"),
  allowNewSession: z.boolean().default(true),
  sessions: z.array(userSessionSchema).default([]),
});

const hostPoolSchema = z.strictObject({
  name: z.string().regex(/^[^/?#]+$/),
  /** Kept with its case in ids; matched case-insensitively in request paths, as ARM does. */
  resourceGroup: z.string().regex(/^[^/?#]+$/),
  location: z.string().default("westeurope"),
  hostPoolType: z.enum(["Personal", "Pooled", "BYODesktop"]).default("Pooled"),
  loadBalancerType: z.enum(["BreadthFirst", "DepthFirst", "Persistent", "MultiplePersistent"]).default("BreadthFirst"),
  friendlyName: z.string().optional(),
  /** The listing answers every session whatever `$filter` says (syntax is still checked). */
  ignoresFilter: z.boolean().default(false),
  /** Page size of user-session and session-host listings when the caller passes no `pageSize`. */
  sessionPageSize: positiveInt.optional(),
  latencyMs: nonNegativeMs.optional(),
  idStyle: idStyleSchema.optional(),
  sessionHosts: z.array(sessionHostSchema).default([]),
});

const subscriptionSchema = z.strictObject({
  id: z.guid(),
  /** Every call into this subscription answers 403 AuthorizationFailed (no role assignment). */
  forbidden: z.literal(true).optional(),
  hostPoolPageSize: positiveInt.optional(),
  latencyMs: nonNegativeMs.optional(),
  hostPools: z.array(hostPoolSchema).default([]),
});

export const armOperations = [
  "listHostPools",
  "listUserSessions",
  "listSessionHosts",
  "listSessionHostUserSessions",
  "getUserSession",
  "deleteUserSession",
  "disconnectUserSession",
  "sendMessage",
] as const;
export type ArmOperation = (typeof armOperations)[number];

const faultSchema = z.strictObject({
  match: z
    .strictObject({
      method: z.string().optional(),
      operation: z.enum(armOperations).optional(),
      subscriptionId: z.string().optional(),
      hostPool: z.string().optional(),
      sessionId: z.string().optional(),
    })
    .default({}),
  status: z.number().int().min(400).max(599),
  code: z.string().optional(),
  message: z.string().optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
  /** Only the first N matching calls fail; all of them when absent. */
  count: positiveInt.optional(),
});

const bucketSchema = z.strictObject({
  capacity: positiveInt,
  refillPerSecond: z.number().positive(),
});

export const scenarioSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  latencyMs: nonNegativeMs.default(0),
  idStyle: idStyleSchema.default("live"),
  /**
   * Whether `$filter` string comparison is case-sensitive. Unverified for the real service, so the
   * default is the strict answer: code that trusts the filter alone to match a UPN's case is caught.
   */
  filterCaseSensitive: z.boolean().default(true),
  /** Status of a DELETE for a session that does not exist (never listed, or already removed). */
  missingSessionDeleteStatus: z.union([z.literal(204), z.literal(404)]).default(404),
  faults: z.array(faultSchema).default([]),
  throttling: z
    .strictObject({
      reads: bucketSchema.optional(),
      deletes: bucketSchema.optional(),
      writes: bucketSchema.optional(),
    })
    .optional(),
  managedIdentity: z
    .strictObject({
      /** When given, a token request naming another client_id is refused as App Service does. */
      userAssignedClientIds: z.array(z.string()).optional(),
    })
    .optional(),
  subscriptions: z.array(subscriptionSchema),
});

/** A scenario as written (JSON or a test literal): defaults may be left out. */
export type Scenario = z.input<typeof scenarioSchema>;
/** A scenario after validation, every default filled in. */
export type ResolvedScenario = z.output<typeof scenarioSchema>;
export type ResolvedSubscription = ResolvedScenario["subscriptions"][number];
export type ResolvedHostPool = ResolvedSubscription["hostPools"][number];
export type ResolvedSessionHost = ResolvedHostPool["sessionHosts"][number];
export type ResolvedUserSession = ResolvedSessionHost["sessions"][number];
export type ResolvedFault = ResolvedScenario["faults"][number];
export type ThrottleBucketSettings = z.output<typeof bucketSchema>;
