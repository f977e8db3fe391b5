import type { AppConfig } from "../config/appConfig";
import { createSignOutRequestSchema, maxGracePeriodSecondsFor } from "./signOutRequest";

type RequestSchema = ReturnType<typeof createSignOutRequestSchema>;
type SchemaConfig = Pick<AppConfig, "deadlineMs" | "subscriptionIds"> &
  Partial<Pick<AppConfig, "asyncMaxGracePeriodSeconds">>;
const schemas = new WeakMap<SchemaConfig, { sync?: RequestSchema; async?: RequestSchema }>();

/**
 * The request schema under this configuration, built once per (frozen) configuration. An
 * asynchronous request waits in a queue, not in the request: it may name more users and a grace
 * period up to AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS.
 */
export function signOutRequestSchemaFor(config: SchemaConfig, async = false): RequestSchema {
  let built = schemas.get(config);
  if (built === undefined) {
    built = {};
    schemas.set(config, built);
  }
  const key = async ? "async" : "sync";
  let schema = built[key];
  if (schema === undefined) {
    schema = createSignOutRequestSchema({
      maxGracePeriodSeconds: async
        ? (config.asyncMaxGracePeriodSeconds ?? 3600)
        : maxGracePeriodSecondsFor(config.deadlineMs),
      configuredSubscriptionIds: config.subscriptionIds,
      async,
    });
    built[key] = schema;
  }
  return schema;
}
