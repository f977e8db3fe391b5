import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { FunctionMetadata } from "./functionsCoreStandIn/coreTypes";
import { withFunctionsCoreOnNodePath } from "./functionsCoreStandIn/functionsCoreNodePath";

const hostEntry = path.join(__dirname, "functionsHost.js");

/**
 * Starts the local functions host (functionsHost.ts) as a child process with an IPC channel and
 * the `@azure/functions-core` stand-in on NODE_PATH; `env` is the app's environment (its settings).
 */
export function forkFunctionsHost(
  env: NodeJS.ProcessEnv,
  options: { args?: string[]; silent?: boolean } = {},
): ChildProcess {
  return fork(hostEntry, options.args ?? [], {
    env: withFunctionsCoreOnNodePath(env),
    silent: options.silent ?? false,
  });
}

/** What the app in FUNCTIONS_APP_ROOT (default: this project) registers, as the host receives it. */
export function describeFunctionApp(env: NodeJS.ProcessEnv): Promise<FunctionMetadata[]> {
  const child = forkFunctionsHost(env, { args: ["--describe"] });
  return new Promise((resolve, reject) => {
    child.once("message", (message: { functions?: FunctionMetadata[] }) => {
      if (message.functions) resolve(message.functions);
    });
    child.once("exit", (code) => reject(new Error(`the functions host exited (${code}) before describing the app`)));
    child.once("error", reject);
  });
}
