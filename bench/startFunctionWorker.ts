import type { RunningEmulator } from "../emulator/startEmulator";
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { withFunctionsCoreOnNodePath } from "../local/functionsCoreStandIn/functionsCoreNodePath";
import type {
  SignOutMeasurement,
  StormMeasurement,
  WorkerMessage,
  WorkerReady,
  WorkerRequest,
} from "./functionWorkerProtocol";

export interface FunctionWorker {
  readonly ready: WorkerReady;
  signOut(userPrincipalName: string, options?: { readonly verify?: boolean }): Promise<SignOutMeasurement>;
  /** Fires every body at the function at once; resolves when all are answered. */
  storm(bodies: readonly string[]): Promise<StormMeasurement>;
  stop(): Promise<void>;
}

export interface FunctionWorkerSettings {
  /** App settings as the Functions host would pass them. */
  readonly environment: Readonly<Record<string, string>>;
  /** File holding the emulator's CA, trusted through NODE_EXTRA_CA_CERTS as on a real host. */
  readonly extraCaCertsFile: string;
}

/** The settings the app reads in Azure, pointed at the emulator, for a tenant's subscriptions. */
export function workerSettingsFor(
  emulator: Pick<RunningEmulator, "identityEndpoint" | "identityHeader" | "armEndpoint">,
  subscriptionIds: readonly string[],
  extraCaCertsFile: string,
): FunctionWorkerSettings {
  return {
    extraCaCertsFile,
    environment: {
      IDENTITY_ENDPOINT: emulator.identityEndpoint,
      IDENTITY_HEADER: emulator.identityHeader,
      AVD_SUBSCRIPTION_IDS: subscriptionIds.join(","),
      AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.armEndpoint,
    },
  };
}

/** Starts a fresh process that loads the built app: its first request is a cold one. */
export function startFunctionWorker(settings: FunctionWorkerSettings): Promise<FunctionWorker> {
  const child: ChildProcess = fork(path.join(__dirname, "functionWorker.js"), [], {
    env: withFunctionsCoreOnNodePath({
      PATH: process.env.PATH ?? "",
      ...settings.environment,
      NODE_EXTRA_CA_CERTS: settings.extraCaCertsFile,
    }),
    // BENCH_WORKER_NODE_OPTIONS (e.g. `--cpu-prof`) is for digging into where a worker's time goes.
    execArgv: (process.env.BENCH_WORKER_NODE_OPTIONS ?? "").split(" ").filter((arg) => arg !== ""),
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  let nextRequestId = 1;
  type Answer = SignOutMeasurement | StormMeasurement;
  const pending = new Map<number, { resolve: (m: Answer) => void; reject: (e: Error) => void }>();
  let onReady: ((ready: WorkerReady) => void) | undefined;
  let onFault: ((error: Error) => void) | undefined;

  const failAll = (error: Error): void => {
    onFault?.(error);
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  child.on("message", (message: WorkerMessage) => {
    if (message.type === "ready") onReady?.(message);
    else if (message.type === "signOutDone" || message.type === "stormDone") {
      pending.get(message.requestId)?.resolve(message);
      pending.delete(message.requestId);
    } else failAll(new Error(`function worker fault: ${message.message}`));
  });
  child.on("exit", (code) => failAll(new Error(`function worker exited with code ${code}`)));

  const request = <T extends Answer>(message: (requestId: number) => WorkerRequest): Promise<T> =>
    new Promise((resolveRequest, rejectRequest) => {
      const requestId = nextRequestId++;
      pending.set(requestId, { resolve: (answer) => resolveRequest(answer as T), reject: rejectRequest });
      child.send(message(requestId));
    });

  return new Promise((resolve, reject) => {
    onFault = reject;
    onReady = (ready) => {
      onFault = undefined;
      resolve({
        ready,
        signOut: (userPrincipalName, options = {}) =>
          request<SignOutMeasurement>((requestId) => ({
            type: "signOut",
            requestId,
            userPrincipalName,
            ...(options.verify === undefined ? {} : { verify: options.verify }),
          })),
        storm: (bodies) => request<StormMeasurement>((requestId) => ({ type: "storm", requestId, bodies })),
        stop: () =>
          new Promise((resolveStop) => {
            if (child.exitCode !== null) return resolveStop();
            child.removeAllListeners("exit");
            child.once("exit", () => resolveStop());
            child.disconnect();
          }),
      });
    };
  });
}
