import type { AppConfig } from "../config/appConfig";
import { createSignOutRequestSchema, maxGracePeriodSecondsFor } from "./signOutRequest";

type RequestSchema = ReturnType<typeof createSignOutRequestSchema>;
const schemas = new WeakMap<Pick<AppConfig, "deadlineMs" | "subscriptionIds">, RequestSchema>();

/** The request schema under this configuration, built once per (frozen) configuration. */
export function signOutRequestSchemaFor(config: Pick<AppConfig, "deadlineMs" | "subscriptionIds">): RequestSchema {
  let schema = schemas.get(config);
  if (schema === undefined) {
    schema = createSignOutRequestSchema({
      maxGracePeriodSeconds: maxGracePeriodSecondsFor(config.deadlineMs),
      configuredSubscriptionIds: config.subscriptionIds,
    });
    schemas.set(config, schema);
  }
  return schema;
}
