import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import * as functions from "@azure/functions";

export interface RegisteredHttpFunction {
  readonly name: string;
  readonly route: string;
  readonly methods: readonly string[];
  readonly authLevel: "anonymous" | "function" | "admin";
  readonly handler: functions.HttpHandler;
}

/**
 * Loads the app the way the Functions host does — every file matched by package.json `main` — and
 * collects what it registers with `app.http`. Outside the host the package skips registration, so
 * the call is intercepted instead; the handlers themselves are the real, built ones.
 */
export function loadRegisteredHttpFunctions(projectRoot: string): RegisteredHttpFunction[] {
  const registered: RegisteredHttpFunction[] = [];
  functions.app.http = (name: string, options: functions.HttpFunctionOptions): void => {
    registered.push({
      name,
      route: options.route ?? name,
      methods: options.methods ?? ["GET", "POST"],
      authLevel: options.authLevel ?? "anonymous",
      handler: options.handler,
    });
  };
  const packageJson = JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { main: string };
  const mainGlob = path.join(projectRoot, packageJson.main);
  const directory = path.dirname(mainGlob);
  const pattern = new RegExp(`^${path.basename(mainGlob).replaceAll(".", "\\.").replaceAll("*", ".*")}$`);
  for (const file of readdirSync(directory)
    .filter((name) => pattern.test(name))
    .sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by path at run time, as the host does
    require(path.join(directory, file));
  }
  return registered;
}
