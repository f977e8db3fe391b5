import type { AppConfig } from "../config/appConfig";
import { createSignOutRequestSchema, maxGracePeriodSecondsFor, type SignOutRequestContext } from "./signOutRequest";

type RequestSchema = ReturnType<typeof createSignOutRequestSchema>;
type SchemaConfig = Pick<AppConfig, "deadlineMs" | "subscriptionIds" | "async">;

/** Built schemas by what they depend on (the values, not the object that carries them). */
const schemas = new Map<string, RequestSchema>();

/**
 * The request schema under this configuration, built once per set of limits. An asynchronous
 * request waits in a queue, not in the request: it may name more users and a grace period up to
 * AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS.
 */
export function signOutRequestSchemaFor(config: SchemaConfig, async = false): RequestSchema {
  // The caller answers an asynchronous request under a faulty asynchronous setting with that fault.
  if (async && !config.async.ok) throw new Error(`asynchronous settings refused: ${config.async.error.setting}`);
  const context: SignOutRequestContext = {
    maxGracePeriodSeconds:
      async && config.async.ok
        ? config.async.value.asyncMaxGracePeriodSeconds
        : maxGracePeriodSecondsFor(config.deadlineMs),
    configuredSubscriptionIds: config.subscriptionIds,
    async,
  };
  const key = JSON.stringify(context);
  let schema = schemas.get(key);
  if (schema === undefined) {
    schema = createSignOutRequestSchema(context);
    schemas.set(key, schema);
  }
  return schema;
}
