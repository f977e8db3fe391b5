import type { TokenCredential } from "@azure/core-auth";
import {
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePowerShellCredential,
  ChainedTokenCredential,
  ManagedIdentityCredential,
} from "@azure/identity";
import type { AppConfig } from "../config/appConfig";

/**
 * Deterministic rather than DefaultAzureCredential: in Azure only the managed identity may be used,
 * and a developer machine never probes for one. `ManagedIdentityCredential` does not read
 * AZURE_CLIENT_ID by itself, so a user-assigned identity is passed explicitly.
 */
export function createCredential(config: Pick<AppConfig, "credential" | "managedIdentityClientId">): TokenCredential {
  if (config.credential === "managedIdentity") {
    return config.managedIdentityClientId === undefined
      ? new ManagedIdentityCredential()
      : new ManagedIdentityCredential({ clientId: config.managedIdentityClientId });
  }
  return new ChainedTokenCredential(
    new AzureCliCredential(),
    new AzureDeveloperCliCredential(),
    new AzurePowerShellCredential(),
  );
}
