import { z } from "zod";
import { azureCloudNames, azureClouds, type AzureCloud } from "./azureClouds";
import { configurationError, type ConfigurationError } from "./configurationError";
import { guidPattern } from "../base/guid";
import { parseSubscriptionIds } from "./parseSubscriptionIds";
import { err, ok, type Result } from "../base/result";

export type CredentialKind = "managedIdentity" | "developer";

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
  readonly maxConcurrencyPerSubscription: number;
  readonly deadlineMs: number;
  readonly serverSideFilter: boolean;
  /** App Service Authentication is on, so the platform sets (and strips forged) `x-ms-client-principal`. */
  readonly authEnabled: boolean;
  /** App role a caller's principal must carry; undefined means any caller with a function key. */
  readonly requiredCallerRole: string | undefined;
  /** How long an asynchronous operation's record (and its status URL) lives. */
  readonly operationRetentionMs: number;
  /** The longest grace period an asynchronous request may ask for. */
  readonly asyncMaxGracePeriodSeconds: number;
  /** Time budget of an asynchronous job, from acceptance to its last action. */
  readonly jobDeadlineMs: number;
  /** Time budget of one queue message's run, under the host's functionTimeout; then it is retried. */
  readonly jobMessageTimeoutMs: number;
  /**
   * Where asynchronous work is queued and recorded. A fault here is kept, not raised: synchronous
   * calls work without Storage, and an asynchronous request is answered with this error.
   */
  readonly storage: Result<StorageConfig, ConfigurationError>;
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

export const configDefaults = Object.freeze({
  cloud: "AzureCloud",
  // Below ARM's per-subscription burst sizes (reads 250, deletes 200), so one request cannot
  // drain a bucket on its own for tenants of up to ~200 host pools per subscription.
  maxConcurrencyPerSubscription: 50,
  // Well under the 120 s synchronous limit of Logic Apps and Power Automate HTTP actions.
  deadlineSeconds: 90,
  serverSideFilter: false,
  operationRetentionDays: 7,
  asyncMaxGracePeriodSeconds: 3600,
  // Two hours: the longest grace period plus room for a large offboarding and the queue's retries.
  jobDeadlineSeconds: 7200,
  // Under host.json's functionTimeout (5 minutes), so a run is cut by us, with a report, not by the host.
  jobMessageTimeoutSeconds: 240,
});

const guid = z.string().regex(guidPattern, "must be a GUID");

const httpsOrigin = z.url({ protocol: /^https$/, error: "must be an absolute https:// URL" }).transform((value) => {
  const url = new URL(value);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
});

const integerSetting = (min: number, max: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

const storageServiceUri = z
  .url({ protocol: /^https?$/, error: "must be an absolute URL of a storage service" })
  .transform((value) => value.replace(/\/+$/, ""));

const booleanSetting = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .pipe(z.enum(["true", "false", "1", "0"], { error: "must be true or false" }))
  .transform((value) => value === "true" || value === "1");

const settingSchemas = {
  AZURE_CLOUD: z.enum(azureCloudNames, { error: `must be one of ${azureCloudNames.join(", ")}` }),
  AZURE_RESOURCE_MANAGER_ENDPOINT: httpsOrigin,
  AZURE_RESOURCE_MANAGER_AUDIENCE: httpsOrigin,
  AZURE_CLIENT_ID: guid,
  AVD_MAX_CONCURRENCY_PER_SUBSCRIPTION: integerSetting(1, 200),
  // Above 220 s the Functions front end has already cut the HTTP response at 230 s.
  AVD_DEADLINE_SECONDS: z.coerce
    .number({ error: "must be a number of seconds" })
    .min(0.1, { error: "must be at least 0.1" })
    .max(220, { error: "must be at most 220 (HTTP responses are cut at 230 s)" }),
  AVD_SERVER_SIDE_FILTER: booleanSetting,
  WEBSITE_AUTH_ENABLED: booleanSetting,
  // App role values are single tokens (no spaces), e.g. "AvdSignout.Operator".
  REQUIRED_CALLER_ROLE: z
    .string()
    .max(120, { error: "must be at most 120 characters" })
    .regex(/^[^\s,;]+$/, { error: "must be one app role value, without spaces" }),
  AVD_OPERATION_RETENTION_DAYS: integerSetting(1, 90),
  // A delayed queue message becomes visible after at most 7 days; a day is far more than a warning needs.
  AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS: integerSetting(0, 86_400),
  AVD_JOB_DEADLINE_SECONDS: integerSetting(10, 7 * 86_400),
  // Flex Consumption allows functionTimeout up to 30 minutes and more; Consumption at most 10.
  AVD_JOB_MESSAGE_TIMEOUT_SECONDS: integerSetting(1, 3600),
  AzureWebJobsStorage__queueServiceUri: storageServiceUri,
  AzureWebJobsStorage__tableServiceUri: storageServiceUri,
  AzureWebJobsStorage__accountName: z
    .string()
    .regex(/^[a-z0-9]{3,24}$/, { error: "must be a storage account name (3–24 lower-case letters and digits)" }),
  AzureWebJobsStorage__credential: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.literal("managedidentity", { error: "must be managedidentity" })),
  AzureWebJobsStorage__clientId: guid,
} as const;

type SettingName = keyof typeof settingSchemas;

function readSetting<N extends SettingName>(
  env: Environment,
  name: N,
): Result<z.output<(typeof settingSchemas)[N]> | undefined, ConfigurationError> {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") {
    return ok(undefined);
  }
  const parsed = settingSchemas[name].safeParse(raw);
  if (!parsed.success) {
    const problem = parsed.error.issues[0]?.message ?? "is invalid";
    return err(configurationError(name, problem));
  }
  return ok(parsed.data as z.output<(typeof settingSchemas)[N]>);
}

/**
 * In Azure the platform announces the managed identity endpoint; anywhere else a developer's own
 * login is the only credential that makes sense. Being on App Service without the endpoint means
 * the identity was never enabled, which is a configuration fault, not a reason to fall back.
 */
function chooseCredential(env: Environment): Result<CredentialKind, ConfigurationError> {
  if (env.IDENTITY_ENDPOINT?.trim()) {
    if (!env.IDENTITY_HEADER?.trim()) {
      return err(configurationError("IDENTITY_HEADER", "is missing while IDENTITY_ENDPOINT is set"));
    }
    return ok("managedIdentity");
  }
  if (env.WEBSITE_INSTANCE_ID?.trim()) {
    return err(
      configurationError(
        "IDENTITY_ENDPOINT",
        "is missing: enable a managed identity on the function app (Identity blade) so the platform provides it",
      ),
    );
  }
  return ok("developer");
}

/** Parses every setting once; the first fault is reported with the setting's name. */
export function parseAppConfig(env: Environment): Result<AppConfig, ConfigurationError> {
  const subscriptionIds = parseSubscriptionIds(env.AVD_SUBSCRIPTION_IDS);
  if (!subscriptionIds.ok) {
    return err(configurationError("AVD_SUBSCRIPTION_IDS", subscriptionIds.error));
  }
  const cloudName = readSetting(env, "AZURE_CLOUD");
  if (!cloudName.ok) return cloudName;
  const endpoint = readSetting(env, "AZURE_RESOURCE_MANAGER_ENDPOINT");
  if (!endpoint.ok) return endpoint;
  const audience = readSetting(env, "AZURE_RESOURCE_MANAGER_AUDIENCE");
  if (!audience.ok) return audience;
  const clientId = readSetting(env, "AZURE_CLIENT_ID");
  if (!clientId.ok) return clientId;
  const concurrency = readSetting(env, "AVD_MAX_CONCURRENCY_PER_SUBSCRIPTION");
  if (!concurrency.ok) return concurrency;
  const deadlineSeconds = readSetting(env, "AVD_DEADLINE_SECONDS");
  if (!deadlineSeconds.ok) return deadlineSeconds;
  const serverSideFilter = readSetting(env, "AVD_SERVER_SIDE_FILTER");
  if (!serverSideFilter.ok) return serverSideFilter;
  const authEnabled = readSetting(env, "WEBSITE_AUTH_ENABLED");
  if (!authEnabled.ok) return authEnabled;
  const requiredCallerRole = readSetting(env, "REQUIRED_CALLER_ROLE");
  if (!requiredCallerRole.ok) return requiredCallerRole;
  // Without App Service Authentication the principal header is whatever the caller sent, so a role
  // requirement could not be enforced: refuse to serve rather than pretend.
  if (requiredCallerRole.value !== undefined && authEnabled.value !== true) {
    return err(
      configurationError(
        "REQUIRED_CALLER_ROLE",
        "is set but App Service Authentication is off (WEBSITE_AUTH_ENABLED is not True), so caller roles cannot be trusted",
      ),
    );
  }
  const credential = chooseCredential(env);
  if (!credential.ok) return credential;
  const retentionDays = readSetting(env, "AVD_OPERATION_RETENTION_DAYS");
  if (!retentionDays.ok) return retentionDays;
  const asyncMaxGrace = readSetting(env, "AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS");
  if (!asyncMaxGrace.ok) return asyncMaxGrace;
  const jobDeadlineSeconds = readSetting(env, "AVD_JOB_DEADLINE_SECONDS");
  if (!jobDeadlineSeconds.ok) return jobDeadlineSeconds;
  const messageTimeoutSeconds = readSetting(env, "AVD_JOB_MESSAGE_TIMEOUT_SECONDS");
  if (!messageTimeoutSeconds.ok) return messageTimeoutSeconds;
  const asyncMaxGracePeriodSeconds = asyncMaxGrace.value ?? configDefaults.asyncMaxGracePeriodSeconds;
  const jobDeadlineMs = (jobDeadlineSeconds.value ?? configDefaults.jobDeadlineSeconds) * 1000;
  if (asyncMaxGracePeriodSeconds * 1000 >= jobDeadlineMs) {
    return err(
      configurationError(
        "AVD_JOB_DEADLINE_SECONDS",
        `must be longer than AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS (${asyncMaxGracePeriodSeconds}), or no job with the longest grace period could finish`,
      ),
    );
  }

  const cloud = azureClouds[cloudName.value ?? configDefaults.cloud];
  const tokenAudience = audience.value ?? cloud.resourceManagerAudience;
  return ok(
    Object.freeze({
      subscriptionIds: subscriptionIds.value,
      cloud,
      resourceManagerEndpoint: endpoint.value ?? cloud.resourceManagerEndpoint,
      tokenScope: `${tokenAudience}/.default`,
      credential: credential.value,
      managedIdentityClientId: clientId.value,
      maxConcurrencyPerSubscription: concurrency.value ?? configDefaults.maxConcurrencyPerSubscription,
      deadlineMs: Math.round((deadlineSeconds.value ?? configDefaults.deadlineSeconds) * 1000),
      serverSideFilter: serverSideFilter.value ?? configDefaults.serverSideFilter,
      authEnabled: authEnabled.value ?? false,
      requiredCallerRole: requiredCallerRole.value,
      operationRetentionMs: (retentionDays.value ?? configDefaults.operationRetentionDays) * 86_400_000,
      asyncMaxGracePeriodSeconds,
      jobDeadlineMs,
      jobMessageTimeoutMs: (messageTimeoutSeconds.value ?? configDefaults.jobMessageTimeoutSeconds) * 1000,
      storage: parseStorageConfig(env, credential.value),
    }),
  );
}

/**
 * `AzureWebJobsStorage` as the Functions host reads it: identity-based service URIs (or an account
 * name) with the managed identity in Azure, or a connection string (Azurite locally).
 */
function parseStorageConfig(env: Environment, credential: CredentialKind): Result<StorageConfig, ConfigurationError> {
  const queueUri = readSetting(env, "AzureWebJobsStorage__queueServiceUri");
  if (!queueUri.ok) return queueUri;
  const tableUri = readSetting(env, "AzureWebJobsStorage__tableServiceUri");
  if (!tableUri.ok) return tableUri;
  const accountName = readSetting(env, "AzureWebJobsStorage__accountName");
  if (!accountName.ok) return accountName;
  const credentialSetting = readSetting(env, "AzureWebJobsStorage__credential");
  if (!credentialSetting.ok) return credentialSetting;
  const clientId = readSetting(env, "AzureWebJobsStorage__clientId");
  if (!clientId.ok) return clientId;
  const account = accountName.value;
  const queueServiceUri = queueUri.value ?? (account && `https://${account}.queue.core.windows.net`);
  const tableServiceUri = tableUri.value ?? (account && `https://${account}.table.core.windows.net`);
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
      credential: credentialSetting.value === undefined ? credential : "managedIdentity",
      clientId: clientId.value,
    });
  }
  const connectionString = env.AzureWebJobsStorage?.trim();
  if (connectionString === undefined || connectionString === "") {
    return err(
      configurationError(
        "AzureWebJobsStorage",
        "is not set (nor AzureWebJobsStorage__queueServiceUri and __tableServiceUri): asynchronous requests need Storage",
      ),
    );
  }
  if (!/(^|;)\s*(AccountName|UseDevelopmentStorage|QueueEndpoint)\s*=/i.test(connectionString)) {
    return err(configurationError("AzureWebJobsStorage", "is not a storage connection string"));
  }
  return ok({ kind: "connectionString", connectionString });
}
