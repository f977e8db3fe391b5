import type { TokenCredential } from "@azure/core-auth";
import { systemClock, type Clock } from "../base/clock";
import { err, ok, type Result } from "../base/result";
import type { ArmBudget } from "../azure/armBudget";
import { createAvdArm, type ArmPipelineOptions } from "../azure/createAvdArm";
import { createCredential } from "../azure/createCredential";
import { parseAppConfig, type AppConfig, type Environment } from "../config/appConfig";
import type { ConfigurationError } from "../config/configurationError";
import { createSignOutEngine, type SignOut } from "../engine/createSignOutEngine";

export interface UserSignoutRuntime {
  readonly config: AppConfig;
  /** The one way into the engine, for the HTTP function and the queue consumer alike. */
  readonly signOut: SignOut;
  /** The instance's ARM budget, for tests and the benchmark to observe. */
  readonly armBudget: ArmBudget;
  readonly clock: Clock;
}

export interface RuntimeDependencies {
  readonly environment: Environment;
  readonly armPipelineOptions?: ArmPipelineOptions;
  readonly createCredential?: (config: AppConfig) => TokenCredential;
  readonly clock?: Clock;
}

/**
 * The composition root: settings are parsed once and one credential, one ARM budget and one
 * engine (its scan coordinator) serve every request of a warm instance. A configuration fault is
 * kept and answered on every request rather than thrown at import, so the app still loads and
 * says what is wrong.
 */
export function createRuntimeLoader(
  dependencies: RuntimeDependencies,
): () => Result<UserSignoutRuntime, ConfigurationError> {
  let loaded: Result<UserSignoutRuntime, ConfigurationError> | undefined;
  return () => {
    if (loaded === undefined) {
      const config = parseAppConfig(dependencies.environment);
      if (config.ok) {
        const settings = config.value;
        const clock = dependencies.clock ?? systemClock;
        const credential = (dependencies.createCredential ?? createCredential)(settings);
        const { arm, budget } = createAvdArm(credential, settings, clock, dependencies.armPipelineOptions);
        const signOut = createSignOutEngine({
          arm,
          clock,
          scanGatherMs: settings.scanGatherMs,
          serverSideFilter: settings.serverSideFilter,
        });
        loaded = ok({ config: settings, signOut, armBudget: budget, clock });
      } else {
        loaded = err(config.error);
      }
    }
    return loaded;
  };
}
