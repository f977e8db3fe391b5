import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { finishLoading, getProgrammingModel, type RegisteredFunction } from "./functionsCoreStandIn/coreApi";
import type { ProgrammingModel } from "./functionsCoreStandIn/coreTypes";

export interface LoadedFunctionApp {
  readonly programmingModel: ProgrammingModel;
  readonly functions: readonly RegisteredFunction[];
}

function mainFiles(appRoot: string): string[] {
  const packageJson = JSON.parse(readFileSync(path.join(appRoot, "package.json"), "utf8")) as { main: string };
  const mainGlob = path.join(appRoot, packageJson.main);
  const directory = path.dirname(mainGlob);
  const pattern = new RegExp(`^${path.basename(mainGlob).replaceAll(".", "\\.").replaceAll("*", ".*")}$`);
  return readdirSync(directory)
    .filter((name) => pattern.test(name))
    .sort()
    .map((name) => path.join(directory, name));
}

/**
 * Loads the app as the worker does — every file matched by package.json `main` — and returns what
 * `@azure/functions` registered through `@azure/functions-core`: the metadata the real host gets
 * (binding types, routes, methods, auth levels, queue names, connections) and the callbacks.
 * The process must have been started with the stand-in on NODE_PATH (withFunctionsCoreOnNodePath).
 */
export async function loadFunctionApp(appRoot: string): Promise<LoadedFunctionApp> {
  const standIn = require.resolve("./functionsCoreStandIn/nodePath/@azure/functions-core");
  const library = require.resolve("@azure/functions", { paths: [appRoot] });
  const resolved = require.resolve("@azure/functions-core", { paths: [path.dirname(library)] });
  if (resolved !== standIn) {
    throw new Error(`@azure/functions-core resolves to ${resolved}: start the host with the stand-in on NODE_PATH`);
  }
  for (const file of mainFiles(appRoot)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by path at run time, as the worker does
    require(file);
  }
  const functions = finishLoading();
  const programmingModel = getProgrammingModel();
  if (programmingModel === undefined) throw new Error("the app registered no programming model (@azure/functions)");
  // The worker asks the model for its capabilities once, which also locks `app.setup`.
  const capabilities = await programmingModel.getCapabilities({});
  if (capabilities.HttpUri !== undefined) throw new Error("the local host does not serve HTTP streams (app.setup)");
  return { programmingModel, functions };
}
