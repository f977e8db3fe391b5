import { secondsToMs } from "../base/duration";
import { z } from "zod";
import { guidPattern } from "../base/guid";
import { err, ok, type Result } from "../base/result";
import { azureCloudNames, azureClouds, type AzureCloud } from "./azureClouds";
import { configurationError, type ConfigurationError } from "./configurationError";
import { parseProtectedUsers } from "./parseProtectedUsers";
import { parseSubscriptionIds } from "./parseSubscriptionIds";

export type CredentialKind = "managedIdentity" | "developer";

export interface TokenBucketSettings {
  readonly burst: number;
  readonly perSecond: number;
}

export interface AppConfig {
  readonly subscriptionIds: readonly string[];
  readonly cloud: AzureCloud;
  /** Where ARM requests go. */
  readonly resourceManagerEndpoint: string;
  /** What the token is requested for; follows the cloud, not the endpoint URL. */
  readonly tokenScope: string;
  readonly credential: CredentialKind;
  /** User-assigned identity; undefined means the system-assigned one. */
  readonly managedIdentityClientId: string | undefined;
  readonly deadlineMs: number;
  /** How long a lone request waits for others to share its scan. */
  readonly scanGatherMs: number;
  /** The instance's share of ARM's per-subscription token buckets, and its sockets to ARM. */
  readonly armBudget: {
    readonly read: TokenBucketSettings;
    readonly delete: TokenBucketSettings;
    readonly write: TokenBucketSettings;
    readonly maxInFlight: number;
  };
  readonly serverSideFilter: boolean;
  /**
   * How long verification keeps listing a host pool for sessions that were acted on but are still
   * listed (the service may lag); a synchronous request's deadline comes first if it is sooner.
   */
  readonly verifyWindowMs: number;
  /** App Service Authentication is on, so the platform sets (and strips forged) `x-ms-client-principal`. */
  readonly authEnabled: boolean;
  /** App role a caller's principal must carry; undefined means any caller with a function key. */
  readonly requiredCallerRole: string | undefined;
  /**
   * Accounts no request may sign out, disconnect or message (break-glass, administrators), so that
   * a leaked function key cannot lock out the responders. De-duplicated as sessions are matched.
   */
  readonly protectedUsers: readonly string[];
  /**
   * The settings only asynchronous work reads. A fault here is kept, not raised: synchronous calls
   * work whatever these say, and an asynchronous request is answered with this error.
   */
  readonly async: Result<AsyncSettings, ConfigurationError>;
  /**
   * Where asynchronous work is queued and recorded. A fault here is kept, not raised: synchronous
   * calls work without Storage, and an asynchronous request is answered with this error.
   */
  readonly storage: Result<StorageConfig, ConfigurationError>;
}

/** What asynchronous calls (the 202, the queue consumer, the status URL) read and synchronous ones never do. */
export interface AsyncSettings {
  /** How long an asynchronous operation's record (and its status URL) lives. */
  readonly operationRetentionMs: number;
  /** The longest grace period an asynchronous request may ask for. */
  readonly asyncMaxGracePeriodSeconds: number;
  /** Time budget of an asynchronous job, from acceptance to its last action. */
  readonly jobDeadlineMs: number;
  /** Time budget of one queue message's run, under the host's functionTimeout; then it is retried. */
  readonly jobMessageTimeoutMs: number;
}

/** `AzureWebJobsStorage`, in either of the forms the Functions host reads. */
export type StorageConfig =
  | { readonly kind: "connectionString"; readonly connectionString: string }
  | {
      readonly kind: "identity";
      readonly queueServiceUri: string;
      readonly tableServiceUri: string;
      readonly credential: CredentialKind;
      /** User-assigned identity for Storage; undefined means the system-assigned one. */
      readonly clientId: string | undefined;
    };

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * host.json's `functionTimeout` (00:05:00): past it the host restarts the worker and every
 * invocation on the instance dies. A unit test holds this constant to host.json.
 */
export const hostFunctionTimeoutSeconds = 300;
/** A message's run stops this long before the host's limit, so it ends with a report, not a restart. */
export const jobMessageTimeoutMarginSeconds = 30;

export const configDefaults = Object.freeze({
  cloud: "AzureCloud",
  // Well under the 120 s synchronous limit of Logic Apps and Power Automate HTTP actions.
  deadlineSeconds: 90,
  scanGatherMs: 10,
  // ARM's buckets per subscription and principal (since 2024): reads 250 refilled at 25/s,
  // deletes and writes 200 at 10/s each.
  armReadBurst: 250,
  armReadsPerSecond: 25,
  armDeleteBurst: 200,
  armDeletesPerSecond: 10,
  armWriteBurst: 200,
  armWritesPerSecond: 10,
  // Measured beside the minimal client (bench, BENCH_ONLY=reference): 512 against 256 cut 40x50's
  // wall by 6-8% and 20x50's by 6-10% for about 20-30 MiB more after one request; 1,024 added
  // about 80 MiB more for little further gain. ARM limits requests per bucket, not connections.
  armMaxSockets: 512,
  serverSideFilter: false,
  verifyWindowSeconds: 30,
  operationRetentionDays: 7,
  asyncMaxGracePeriodSeconds: 3600,
  // Two hours: the longest grace period plus room for a large offboarding and the queue's retries.
  jobDeadlineSeconds: 7200,
  // Under host.json's functionTimeout (5 minutes), so a run is cut by us, with a report, not by the host.
  jobMessageTimeoutSeconds: 240,
});

const guid = z.string().regex(guidPattern, "must be a GUID");

/**
 * A bare `https://host[:port]` origin, a trailing `/` allowed: a path would send every call to
 * the wrong place (each answering 404, no setting named), and a query, fragment or `user:pw@`
 * would be dropped without a word. Read as the origin URL parsing gives (`:443` dropped).
 */
const httpsOrigin = z.string().transform((value, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== "https:" || !/^https:\/\/[^/?#@\\\s]+\/?$/i.test(value)) {
    ctx.issues.push({
      code: "custom",
      input: value,
      message:
        "must be a bare https:// origin (https://host or https://host:port), without path, query, fragment or user name",
    });
    return z.NEVER;
  }
  return url.origin;
});

export interface NumericBounds {
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly integer: boolean;
}

/**
 * What the app accepts for each numeric setting: the schemas below are built from it, and
 * test/unit/infra/settingBounds.test.ts holds the template's @minValue/@maxValue to it.
 */
export const numericSettingBounds = Object.freeze({
  // Above 220 s the Functions front end has already cut the HTTP response at 230 s.
  AVD_DEADLINE_SECONDS: { min: 0.1, max: 220, integer: false },
  AVD_SCAN_GATHER_MS: { min: 0, max: 5000, integer: true },
  AVD_ARM_READ_BURST: { min: 1, max: 10_000, integer: true },
  AVD_ARM_READS_PER_SECOND: { min: 0.1, max: 10_000, integer: false },
  AVD_ARM_DELETE_BURST: { min: 1, max: 10_000, integer: true },
  AVD_ARM_DELETES_PER_SECOND: { min: 0.1, max: 10_000, integer: false },
  AVD_ARM_WRITE_BURST: { min: 1, max: 10_000, integer: true },
  AVD_ARM_WRITES_PER_SECOND: { min: 0.1, max: 10_000, integer: false },
  AVD_ARM_MAX_SOCKETS: { min: 1, max: 1024, integer: true },
  AVD_VERIFY_WINDOW_SECONDS: { min: 0, max: 600, integer: true },
  AVD_OPERATION_RETENTION_DAYS: { min: 1, max: 90, integer: true },
  // A delayed queue message becomes visible after at most 7 days; a day is far more than a warning needs.
  AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS: { min: 0, max: 86_400, integer: true },
  AVD_JOB_DEADLINE_SECONDS: { min: 10, max: 7 * 86_400, integer: true },
  AVD_JOB_MESSAGE_TIMEOUT_SECONDS: {
    min: 1,
    max: hostFunctionTimeoutSeconds - jobMessageTimeoutMarginSeconds,
    integer: true,
  },
} satisfies Record<string, NumericBounds>);

export type NumericSettingName = keyof typeof numericSettingBounds;

/** Decimal digits only: `0x10`, `1e3`, `+5`, ` 12 ` or `Infinity` are not what an operator means by a number. */
const bounded = (setting: NumericSettingName, unit = "a number", why = "") => {
  const { min, max, integer } = numericSettingBounds[setting];
  const [pattern, written] = integer
    ? [/^\d+$/, `${unit === "a number" ? "a whole number" : unit} written in decimal digits only (e.g. 12)`]
    : [/^\d+(\.\d+)?$/, `${unit} written in decimal digits (e.g. 2 or 0.5)`];
  return z
    .string()
    .regex(pattern, { error: `must be ${written}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}${why}` }),
    );
};

const booleanSetting = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(z.enum(["true", "false", "1", "0"], { error: "must be true or false" }))
  .transform((value) => value === "true" || value === "1");

const subscriptionIds = z.string().transform((raw, ctx) => {
  const parsed = parseSubscriptionIds(raw);
  if (parsed.ok) return parsed.value;
  ctx.issues.push({ code: "custom", input: raw, message: parsed.error });
  return z.NEVER;
});

const protectedUsers = z.string().transform((raw, ctx) => {
  const parsed = parseProtectedUsers(raw);
  if (parsed.ok) return parsed.value;
  ctx.issues.push({ code: "custom", input: raw, message: parsed.error });
  return z.NEVER;
});

/**
 * Every setting the app reads, in one schema: the first problem's path names the setting.
 * Platform settings (IDENTITY_*, WEBSITE_*) are read too, to choose and check the credential.
 */
export const appSettingsSchema = z
  .object({
    AVD_SUBSCRIPTION_IDS: subscriptionIds.optional(),
    AZURE_CLOUD: z.enum(azureCloudNames, { error: `must be one of ${azureCloudNames.join(", ")}` }).optional(),
    AZURE_RESOURCE_MANAGER_ENDPOINT: httpsOrigin.optional(),
    AZURE_RESOURCE_MANAGER_AUDIENCE: httpsOrigin.optional(),
    AZURE_CLIENT_ID: guid.optional(),
    AVD_DEADLINE_SECONDS: bounded(
      "AVD_DEADLINE_SECONDS",
      "a number of seconds",
      " (HTTP responses are cut at 230 s)",
    ).optional(),
    AVD_SCAN_GATHER_MS: bounded("AVD_SCAN_GATHER_MS").optional(),
    AVD_ARM_READ_BURST: bounded("AVD_ARM_READ_BURST").optional(),
    AVD_ARM_READS_PER_SECOND: bounded("AVD_ARM_READS_PER_SECOND").optional(),
    AVD_ARM_DELETE_BURST: bounded("AVD_ARM_DELETE_BURST").optional(),
    AVD_ARM_DELETES_PER_SECOND: bounded("AVD_ARM_DELETES_PER_SECOND").optional(),
    AVD_ARM_WRITE_BURST: bounded("AVD_ARM_WRITE_BURST").optional(),
    AVD_ARM_WRITES_PER_SECOND: bounded("AVD_ARM_WRITES_PER_SECOND").optional(),
    AVD_ARM_MAX_SOCKETS: bounded("AVD_ARM_MAX_SOCKETS").optional(),
    AVD_SERVER_SIDE_FILTER: booleanSetting.optional(),
    AVD_VERIFY_WINDOW_SECONDS: bounded("AVD_VERIFY_WINDOW_SECONDS").optional(),
    WEBSITE_AUTH_ENABLED: booleanSetting.optional(),
    // App role values are single tokens (no spaces), e.g. "AvdSignout.Operator".
    REQUIRED_CALLER_ROLE: z
      .string()
      .max(120, { error: "must be at most 120 characters" })
      .regex(/^[^\s,;]+$/, { error: "must be one app role value, without spaces" })
      .optional(),
    AVD_PROTECTED_USERS: protectedUsers.optional(),
    // Read as given and checked by parseAsyncSettings: a fault there must not stop synchronous calls.
    AVD_OPERATION_RETENTION_DAYS: z.string().optional(),
    AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS: z.string().optional(),
    AVD_JOB_DEADLINE_SECONDS: z.string().optional(),
    AVD_JOB_MESSAGE_TIMEOUT_SECONDS: z.string().optional(),
    // Read as given and checked by parseStorageConfig: a fault there must not stop synchronous calls.
    AzureWebJobsStorage: z.string().optional(),
    AzureWebJobsStorage__queueServiceUri: z.string().optional(),
    AzureWebJobsStorage__tableServiceUri: z.string().optional(),
    AzureWebJobsStorage__credential: z.string().optional(),
    AzureWebJobsStorage__clientId: z.string().optional(),
    IDENTITY_ENDPOINT: z.string().optional(),
    IDENTITY_HEADER: z.string().optional(),
    WEBSITE_INSTANCE_ID: z.string().optional(),
  })
  .superRefine((settings, ctx) => {
    const problem = (setting: string, message: string): void => {
      ctx.addIssue({ code: "custom", path: [setting], message });
    };
    if (settings.AVD_SUBSCRIPTION_IDS === undefined) {
      problem("AVD_SUBSCRIPTION_IDS", "is missing or empty; set it to one or more subscription IDs (GUIDs)");
    }
    // Without App Service Authentication the principal header is whatever the caller sent, so a
    // role requirement could not be enforced: refuse to serve rather than pretend.
    if (settings.REQUIRED_CALLER_ROLE !== undefined && settings.WEBSITE_AUTH_ENABLED !== true) {
      problem(
        "REQUIRED_CALLER_ROLE",
        "is set but App Service Authentication is off (WEBSITE_AUTH_ENABLED is not True), so caller roles cannot be trusted",
      );
    }
    // In Azure the platform announces the managed identity endpoint; being on App Service without
    // it means the identity was never enabled, a configuration fault rather than a reason to fall back.
    if (settings.IDENTITY_ENDPOINT !== undefined && settings.IDENTITY_HEADER === undefined) {
      problem("IDENTITY_HEADER", "is missing while IDENTITY_ENDPOINT is set");
    }
    if (settings.IDENTITY_ENDPOINT === undefined && settings.WEBSITE_INSTANCE_ID !== undefined) {
      problem(
        "IDENTITY_ENDPOINT",
        "is missing: enable a managed identity on the function app (Identity blade) so the platform provides it",
      );
    }
  });

/**
 * Every environment variable `parseAppConfig` reads, the platform's included. The deployment
 * template must set each one the platform does not set itself (test/unit/infra/appSettings.test.ts).
 */
export const appSettingNames: readonly string[] = Object.freeze(Object.keys(appSettingsSchema.shape));

/** Blank settings count as unset, as they do in the portal; others are read as written. */
function presentSettings(env: Environment): Record<string, string> {
  const present: Record<string, string> = {};
  for (const name of appSettingNames) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") present[name] = value;
  }
  return present;
}

/** Parses every setting once; the first fault is reported with the setting's name. */
export function parseAppConfig(env: Environment): Result<AppConfig, ConfigurationError> {
  const parsed = appSettingsSchema.safeParse(presentSettings(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(configurationError(String(issue?.path[0] ?? "settings"), issue?.message ?? "is invalid"));
  }
  const s = parsed.data;
  const cloud = azureClouds[s.AZURE_CLOUD ?? configDefaults.cloud];
  const tokenAudience = s.AZURE_RESOURCE_MANAGER_AUDIENCE ?? cloud.resourceManagerAudience;
  return ok(
    Object.freeze({
      subscriptionIds: s.AVD_SUBSCRIPTION_IDS ?? [],
      cloud,
      resourceManagerEndpoint: s.AZURE_RESOURCE_MANAGER_ENDPOINT ?? cloud.resourceManagerEndpoint,
      tokenScope: `${tokenAudience}/.default`,
      credential: s.IDENTITY_ENDPOINT === undefined ? "developer" : "managedIdentity",
      managedIdentityClientId: s.AZURE_CLIENT_ID,
      deadlineMs: secondsToMs(s.AVD_DEADLINE_SECONDS ?? configDefaults.deadlineSeconds),
      scanGatherMs: s.AVD_SCAN_GATHER_MS ?? configDefaults.scanGatherMs,
      armBudget: Object.freeze({
        read: {
          burst: s.AVD_ARM_READ_BURST ?? configDefaults.armReadBurst,
          perSecond: s.AVD_ARM_READS_PER_SECOND ?? configDefaults.armReadsPerSecond,
        },
        delete: {
          burst: s.AVD_ARM_DELETE_BURST ?? configDefaults.armDeleteBurst,
          perSecond: s.AVD_ARM_DELETES_PER_SECOND ?? configDefaults.armDeletesPerSecond,
        },
        write: {
          burst: s.AVD_ARM_WRITE_BURST ?? configDefaults.armWriteBurst,
          perSecond: s.AVD_ARM_WRITES_PER_SECOND ?? configDefaults.armWritesPerSecond,
        },
        maxInFlight: s.AVD_ARM_MAX_SOCKETS ?? configDefaults.armMaxSockets,
      }),
      serverSideFilter: s.AVD_SERVER_SIDE_FILTER ?? configDefaults.serverSideFilter,
      verifyWindowMs: secondsToMs(s.AVD_VERIFY_WINDOW_SECONDS ?? configDefaults.verifyWindowSeconds),
      authEnabled: s.WEBSITE_AUTH_ENABLED ?? false,
      requiredCallerRole: s.REQUIRED_CALLER_ROLE,
      protectedUsers: s.AVD_PROTECTED_USERS ?? [],
      async: parseAsyncSettings(s),
      storage: parseStorageConfig(s, s.IDENTITY_ENDPOINT === undefined ? "developer" : "managedIdentity"),
    }),
  );
}

const asyncSettingsSchema = z
  .object({
    AVD_OPERATION_RETENTION_DAYS: bounded("AVD_OPERATION_RETENTION_DAYS", "a number of days").optional(),
    AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS: bounded("AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS", "a number of seconds").optional(),
    AVD_JOB_DEADLINE_SECONDS: bounded("AVD_JOB_DEADLINE_SECONDS", "a number of seconds").optional(),
    AVD_JOB_MESSAGE_TIMEOUT_SECONDS: bounded(
      "AVD_JOB_MESSAGE_TIMEOUT_SECONDS",
      "a number of seconds",
      ` (host.json functionTimeout is ${hostFunctionTimeoutSeconds} s; a run must end ${jobMessageTimeoutMarginSeconds} s before it, or the host restarts the worker and every chunk on the instance dies)`,
    ).optional(),
  })
  .superRefine((settings, ctx) => {
    const problem = (setting: string, message: string): void => {
      ctx.addIssue({ code: "custom", path: [setting], message });
    };
    const grace = settings.AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS ?? configDefaults.asyncMaxGracePeriodSeconds;
    const deadlineSeconds = settings.AVD_JOB_DEADLINE_SECONDS ?? configDefaults.jobDeadlineSeconds;
    if (grace >= deadlineSeconds) {
      problem(
        "AVD_JOB_DEADLINE_SECONDS",
        `must be longer than AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS (${grace}), or no job with the longest grace period could finish`,
      );
    }
    // A status read after the record expires deletes it: it must outlive the longest job, grace period included.
    const retentionSeconds = (settings.AVD_OPERATION_RETENTION_DAYS ?? configDefaults.operationRetentionDays) * 86_400;
    if (retentionSeconds < deadlineSeconds + grace) {
      problem(
        "AVD_OPERATION_RETENTION_DAYS",
        `must cover AVD_JOB_DEADLINE_SECONDS (${deadlineSeconds}) plus AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS (${grace}), or a record could expire while its job still runs`,
      );
    }
  });

/** The asynchronous-only settings; their fault is kept for asynchronous calls, as a Storage fault is. */
function parseAsyncSettings(settings: Readonly<Record<string, unknown>>): Result<AsyncSettings, ConfigurationError> {
  const parsed = asyncSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(configurationError(String(issue?.path[0] ?? "settings"), issue?.message ?? "is invalid"));
  }
  const s = parsed.data;
  return ok(
    Object.freeze({
      operationRetentionMs: secondsToMs(
        (s.AVD_OPERATION_RETENTION_DAYS ?? configDefaults.operationRetentionDays) * 86_400,
      ),
      asyncMaxGracePeriodSeconds: s.AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS ?? configDefaults.asyncMaxGracePeriodSeconds,
      jobDeadlineMs: secondsToMs(s.AVD_JOB_DEADLINE_SECONDS ?? configDefaults.jobDeadlineSeconds),
      jobMessageTimeoutMs: secondsToMs(s.AVD_JOB_MESSAGE_TIMEOUT_SECONDS ?? configDefaults.jobMessageTimeoutSeconds),
    }),
  );
}

const storageServiceUri = z
  .url({ protocol: /^https?$/, error: "must be an absolute URL of a storage service" })
  .transform((value) => value.replace(/(?<!\/)\/+$/, ""));

const storageSettingsSchema = z.object({
  AzureWebJobsStorage: z
    .string()
    .regex(/(^|;)\s*(AccountName|UseDevelopmentStorage|QueueEndpoint)\s*=/i, {
      error: "is not a storage connection string",
    })
    .optional(),
  AzureWebJobsStorage__queueServiceUri: storageServiceUri.optional(),
  AzureWebJobsStorage__tableServiceUri: storageServiceUri.optional(),
  AzureWebJobsStorage__credential: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.literal("managedidentity", { error: "must be managedidentity" }))
    .optional(),
  AzureWebJobsStorage__clientId: guid.optional(),
});

/**
 * `AzureWebJobsStorage` as the Functions host reads it: identity-based service URIs with the
 * managed identity in Azure, or a connection string (Azurite) locally.
 */
function parseStorageConfig(
  settings: Readonly<Record<string, unknown>>,
  credential: CredentialKind,
): Result<StorageConfig, ConfigurationError> {
  const parsed = storageSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(configurationError(String(issue?.path[0] ?? "AzureWebJobsStorage"), issue?.message ?? "is invalid"));
  }
  const s = parsed.data;
  const queueServiceUri = s.AzureWebJobsStorage__queueServiceUri;
  const tableServiceUri = s.AzureWebJobsStorage__tableServiceUri;
  if (queueServiceUri !== undefined || tableServiceUri !== undefined) {
    if (queueServiceUri === undefined) {
      return err(
        configurationError("AzureWebJobsStorage__queueServiceUri", "is missing while __tableServiceUri is set"),
      );
    }
    if (tableServiceUri === undefined) {
      return err(
        configurationError("AzureWebJobsStorage__tableServiceUri", "is missing while __queueServiceUri is set"),
      );
    }
    return ok({
      kind: "identity",
      queueServiceUri,
      tableServiceUri,
      credential: s.AzureWebJobsStorage__credential === undefined ? credential : "managedIdentity",
      clientId: s.AzureWebJobsStorage__clientId,
    });
  }
  if (s.AzureWebJobsStorage === undefined) {
    return err(
      configurationError(
        "AzureWebJobsStorage",
        "is not set (nor AzureWebJobsStorage__queueServiceUri and __tableServiceUri): asynchronous requests need Storage",
      ),
    );
  }
  return ok({ kind: "connectionString", connectionString: s.AzureWebJobsStorage });
}
