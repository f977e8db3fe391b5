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
  /** The UPN the session was opened with; the account's current one when absent (needs `account`). */
  userPrincipalName: z.string().min(1).optional(),
  /**
   * The scenario's `accounts` entry this session belongs to: its object id, and its current UPN
   * unless the session names an older one (a session keeps the UPN it was opened with).
   */
  account: z.string().min(1).optional(),
  sessionState: z.enum(sessionStates),
  applicationType: z.enum(["RemoteApp", "Desktop"]).default("Desktop"),
  /** Overrides the account's (e.g. the all-zero id the service reports for sessions it cannot place). */
  objectId: z.guid().optional(),
  activeDirectoryUserName: z.string().optional(),
  createTime: z.iso.datetime().optional(),
  /**
   * Listed, but already gone when deleted: the delete answers this status (204 as the live service
   * does today; 404 with the service's `"404"` body as older reports show).
   */
  vanishesBeforeDelete: z.union([z.literal(204), z.literal(404)]).optional(),
  /**
   * The action reports success and nothing happens, as field reports describe: a log off (DELETE)
   * answers as a successful one does and the session stays listed; a disconnect answers 200 and
   * the session keeps its state.
   */
  stuck: z.literal(true).optional(),
});

const sessionHostSchema = z.strictObject({
  /** An FQDN or a bare name in any case (`userSess-sh-0`), as the live service writes them; at most 48 characters. */
  name: z
    .string()
    .min(1)
    .max(48)
    .regex(/^[^/?#]+$/, "a session host name is one path segment"),
  /**
   * As the service reports it. On a host that is off (`Shutdown`, `Unavailable`, `NoHeartbeat`) a
   * log off or disconnect answers success and the session stays listed, as "ghost" sessions do.
   */
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
  /**
   * The host pool listing answers 200 with `value: []` although the pools exist and answer when
   * named: how a missing role at subscription scope shows up live.
   */
  hidesHostPools: z.literal(true).optional(),
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

/**
 * What a fault answers instead of the operation: `armError` (default) the `{ error: { code, message } }`
 * body; `html` a `text/html` page (a gateway's 404 or 502); `emptyObject` a 200 `{}` and `nullValue`
 * a 200 `{ "value": null }`, listing pages that are not pages; `cutOff` carries the operation out and
 * starts its real answer (status 200 in the fault stands for "the status line is sent"), then drops
 * the connection halfway through the body, or before the status line when the answer has no body:
 * a reset between ARM and us, where a write may have landed and its answer is lost. `endless` and
 * `huge` carry the operation out too and answer its real page padded without end, or to `sizeBytes`
 * (a front end or service gone wrong: nothing bounds an answer's size but the client). `text`
 * answers the JSON text as given, for what `json` cannot write (a key given twice).
 */
export const faultBodies = [
  "armError",
  "html",
  "emptyObject",
  "nullValue",
  "json",
  "text",
  "cutOff",
  "endless",
  "huge",
] as const;

const faultSchema = z
  .strictObject({
    match: z
      .strictObject({
        method: z.string().optional(),
        operation: z.enum(armOperations).optional(),
        subscriptionId: z.string().optional(),
        hostPool: z.string().optional(),
        sessionId: z.string().optional(),
        /** The request path, compared case-insensitively without query; also matches paths the emulator has no route for. */
        path: z.string().startsWith("/").optional(),
      })
      .default({}),
    status: z.number().int().min(200).max(599),
    body: z.enum(faultBodies).default("armError"),
    /** With body "json": answered as given, e.g. a listing page with crafted ids or a foreign nextLink. */
    json: z.unknown().optional(),
    /** With body "text": the body's text, sent as `application/json`. */
    text: z.string().optional(),
    /** With body "huge": the body's length in bytes before compression. */
    sizeBytes: positiveInt.default(100 * 1024 * 1024),
    /** With body "endless" or "huge": `gzip` compresses the answer (and says so), asked for or not. */
    contentEncoding: z.enum(["identity", "gzip"]).default("identity"),
    code: z.string().optional(),
    message: z.string().optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
    /** Only the first N matching calls fail; all of them when absent. */
    count: positiveInt.optional(),
  })
  .refine(
    (fault) =>
      fault.body === "html" ||
      fault.body === "json" ||
      fault.body === "text" ||
      (fault.body === "armError") === fault.status >= 400,
    {
      message: "an armError fault needs a status of 400 or more; emptyObject and nullValue answer 200",
      path: ["status"],
    },
  )
  .refine(
    (fault) =>
      fault.body === "html" ||
      fault.body === "json" ||
      fault.body === "text" ||
      fault.body === "armError" ||
      fault.status === 200,
    {
      message: "emptyObject, nullValue, cutOff, endless and huge faults answer 200",
      path: ["status"],
    },
  );

const bucketSchema = z.strictObject({
  capacity: positiveInt,
  refillPerSecond: z.number().positive(),
});

/**
 * An Entra account: a stable object id, and the UPN it holds now. Renames and reused UPNs are
 * written as sessions naming an account and an older UPN (or another account's UPN).
 */
const accountSchema = z.strictObject({
  name: z.string().min(1),
  /** Derived from the name when absent, the same on every run. */
  objectId: z.guid().optional(),
  userPrincipalName: z.string().min(1),
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
  /** Status of a successful DELETE of a session: 204 with no body as recorded live, or 200 as the REST spec reads. */
  deleteStatus: z.union([z.literal(200), z.literal(204)]).default(204),
  /**
   * Status of a DELETE for a session that does not exist (never listed, or already removed): 204 as
   * recorded live, or 404 with the service's `{"error":{"code":"404","message":"ActivityId: … Error: User session does not exist"}}`.
   */
  missingSessionDeleteStatus: z.union([z.literal(204), z.literal(404)]).default(204),
  /**
   * How far user-session listings lag behind actions, in milliseconds of the emulator's clock: a
   * session logged off stays listed (as it was) and a disconnected session stays listed in its
   * previous state for this long. 0: listings show every action at once.
   */
  listingLagMs: nonNegativeMs.default(0),
  /** Page size of user-session and session-host listings without `pageSize`; a host pool's `sessionPageSize` wins. */
  sessionPageSize: positiveInt.default(200),
  /** Page size of the host pool listing; a subscription's `hostPoolPageSize` wins. */
  hostPoolPageSize: positiveInt.default(100),
  accounts: z.array(accountSchema).default([]),
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
      /**
       * Whether the app has a system-assigned identity. `false` (only user-assigned identities
       * attached): a token request that names none answers 400 "Unable to load the proper Managed Identity.".
       */
      systemAssigned: z.boolean().default(true),
      /** Lifetime of issued tokens; below msal's 5-minute renewal offset every `getToken` fetches a new one. */
      tokenLifetimeSeconds: z
        .number()
        .int()
        .min(0)
        .default(24 * 60 * 60),
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
