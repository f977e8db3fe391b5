import type { TokenCredential } from "@azure/core-auth";
import { parseAppConfig, type AppConfig, type Environment } from "../config/appConfig";
import type { AvdClientFactory } from "../azure/avdClient";
import type { ConfigurationError } from "../config/configurationError";
import { createAvdClientFactory, type ArmPipelineOptions } from "../azure/createAvdClientFactory";
import { createCredential } from "../azure/createCredential";
import { err, ok, type Result } from "../base/result";
import type { SignOutJob, SignOutOptions } from "../engine/signOutJob";
import type { SignOutReport } from "../engine/signOutReport";
import { signOutUsers } from "../engine/signOutUsers";

export interface UserSignoutRuntime {
  readonly config: AppConfig;
  readonly clientFor: AvdClientFactory;
  /** The one way into the engine, for the HTTP function and the queue consumer alike. */
  readonly signOut: (job: SignOutJob, options: SignOutOptions) => Promise<SignOutReport>;
}

export interface RuntimeDependencies {
  readonly environment: Environment;
  readonly armPipelineOptions?: ArmPipelineOptions;
  readonly createCredential?: (config: AppConfig) => TokenCredential;
  readonly now?: () => number;
}

/**
 * The composition root: settings are parsed once and one credential plus one set of ARM clients
 * serve every request of a warm instance. A configuration fault is kept and answered on every
 * request rather than thrown at import, so the app still loads and says what is wrong.
 */
export function createRuntimeLoader(
  dependencies: RuntimeDependencies,
): () => Result<UserSignoutRuntime, ConfigurationError> {
  let loaded: Result<UserSignoutRuntime, ConfigurationError> | undefined;
  return () => {
    if (loaded === undefined) {
      const config = parseAppConfig(dependencies.environment);
      if (config.ok) {
        const credential = (dependencies.createCredential ?? createCredential)(config.value);
        const clientFor = createAvdClientFactory(credential, config.value, dependencies.armPipelineOptions);
        const settings = config.value;
        const now = dependencies.now ?? Date.now;
        const signOut = (job: SignOutJob, options: SignOutOptions): Promise<SignOutReport> =>
          signOutUsers({
            ...job,
            ...options,
            clientFor,
            maxConcurrencyPerSubscription: settings.maxConcurrencyPerSubscription,
            serverSideFilter: settings.serverSideFilter,
            now,
          });
        loaded = ok({ config: settings, clientFor, signOut });
      } else {
        loaded = err(config.error);
      }
    }
    return loaded;
  };
}
