import type { TokenCredential } from "@azure/core-auth";
import type { AppConfig, StorageConfig } from "../config/appConfig";
import type { ConfigurationError } from "../config/configurationError";
import { createCredential } from "../azure/createCredential";
import { ok, type Result } from "../base/result";
import { createJobStorage, type JobStorage } from "./jobStorage";

const instances = new WeakMap<AppConfig, JobStorage>();

export type StorageCredentialFactory = (config: Extract<StorageConfig, { kind: "identity" }>) => TokenCredential;

/** The same identity the host uses for `AzureWebJobsStorage`: `__credential`/`__clientId`, else the app's own. */
export const storageCredential: StorageCredentialFactory = (config) =>
  createCredential({ credential: config.credential, managedIdentityClientId: config.clientId });

/**
 * One set of Storage clients per (frozen) configuration, i.e. per warm instance. Asking for them
 * without Storage configured answers the ConfigurationError that names the setting.
 */
export function jobStorageFor(
  config: AppConfig,
  credentialFor: StorageCredentialFactory = storageCredential,
): Result<JobStorage, ConfigurationError> {
  if (!config.storage.ok) return config.storage;
  let storage = instances.get(config);
  if (storage === undefined) {
    storage = createJobStorage(config.storage.value, credentialFor);
    instances.set(config, storage);
  }
  return ok(storage);
}
