import type { TokenCredential } from "@azure/core-auth";
import { systemClock, type Clock } from "../base/clock";
import { err, ok, type Result } from "../base/result";
import type { ArmBudget } from "../azure/armBudget";
import { createAvdArm, type ArmPipelineOptions } from "../azure/createAvdArm";
import { createCredential } from "../azure/createCredential";
import { parseAppConfig, type AppConfig, type Environment, type StorageConfig } from "../config/appConfig";
import type { ConfigurationError } from "../config/configurationError";
import { createSignOutEngine, type SignOut } from "../engine/createSignOutEngine";
import { createJobStorage, type JobStorage } from "../jobs";

/** Everything a warm instance shares between its functions; built once by `createRuntimeLoader`. */
export interface AppRuntime {
  readonly config: AppConfig;
  /** The one time source: the engine, the deadline, the jobs and the status URL all read it. */
  readonly clock: Clock;
  /** The one way into the engine, for the HTTP function and the queue consumer alike. */
  readonly signOut: SignOut;
  /** The instance's ARM budget, for tests and the benchmark to observe. */
  readonly armBudget: ArmBudget;
  /**
   * The instance's Storage clients (queues and table), made on first use: synchronous calls never
   * load the Storage SDKs. Without Storage configured, or with an asynchronous-only setting the app
   * refuses: the ConfigurationError naming the setting.
   */
  storage(): Result<JobStorage, ConfigurationError>;
}

export type StorageCredentialFactory = (config: Extract<StorageConfig, { kind: "identity" }>) => TokenCredential;

export interface RuntimeDependencies {
  readonly environment: Environment;
  readonly armPipelineOptions?: ArmPipelineOptions;
  readonly createCredential?: (config: AppConfig) => TokenCredential;
  readonly clock?: Clock;
  /** The identity Storage is reached with; by default the host's rule for `AzureWebJobsStorage`. */
  readonly storageCredential?: StorageCredentialFactory;
}

/** The same identity the host uses for `AzureWebJobsStorage`: `__credential`/`__clientId`, else the app's own. */
const hostStorageCredential: StorageCredentialFactory = (config) =>
  createCredential({ credential: config.credential, managedIdentityClientId: config.clientId });

/**
 * The composition root: settings are parsed once and one clock, one credential, one ARM budget,
 * one engine (its scan coordinator) and one set of Storage clients serve every request of a warm
 * instance. A configuration fault is kept and answered on every request rather than thrown at
 * import, so the app still loads and says what is wrong.
 */
export function createRuntimeLoader(dependencies: RuntimeDependencies): () => Result<AppRuntime, ConfigurationError> {
  let loaded: Result<AppRuntime, ConfigurationError> | undefined;
  return () => {
    loaded ??= build(dependencies);
    return loaded;
  };
}

function build(dependencies: RuntimeDependencies): Result<AppRuntime, ConfigurationError> {
  const parsed = parseAppConfig(dependencies.environment);
  if (!parsed.ok) return err(parsed.error);
  const config = parsed.value;
  const clock = dependencies.clock ?? systemClock;
  const credential = (dependencies.createCredential ?? createCredential)(config);
  const { arm, budget } = createAvdArm(credential, config, clock, dependencies.armPipelineOptions);
  const signOut = createSignOutEngine({
    arm,
    clock,
    scanGatherMs: config.scanGatherMs,
    serverSideFilter: config.serverSideFilter,
    verifyWindowMs: config.verifyWindowMs,
    protectedUsers: config.protectedUsers,
  });
  let storage: Result<JobStorage, ConfigurationError> | undefined;
  return ok({
    config,
    clock,
    signOut,
    armBudget: budget,
    storage() {
      // A bad asynchronous-only setting refuses asynchronous work as missing Storage does.
      if (!config.async.ok) return config.async;
      storage ??= config.storage.ok
        ? ok(createJobStorage(config.storage.value, dependencies.storageCredential ?? hostStorageCredential))
        : config.storage;
      return storage;
    },
  });
}
