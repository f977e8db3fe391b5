import type { AddressInfo } from "node:net";
import path from "node:path";
import { loadRegisteredHttpFunctions } from "./loadRegisteredHttpFunctions";
import { serveHttpFunctions } from "./serveHttpFunctions";

/**
 * A stand-in for `func start` (Core Tools cannot be installed here): loads the built app from
 * package.json `main` and serves it. Settings come from the environment, as in Azure.
 */
async function main(): Promise<void> {
  const projectRoot = path.resolve(__dirname, "..", "..");
  const port = Number(process.env.FUNCTIONS_HTTP_PORT ?? "7071");
  const functionKey = process.env.FUNCTIONS_KEY;
  if (!functionKey) throw new Error("FUNCTIONS_KEY must be set");
  const registered = loadRegisteredHttpFunctions(projectRoot);
  const server = await serveHttpFunctions(registered, { port, functionKey, log: (line) => console.log(line) });
  const actualPort = (server.address() as AddressInfo).port;
  for (const fn of registered) {
    console.log(
      `functions host: ${fn.name} [${fn.methods.join(",")}] http://localhost:${actualPort}/api/${fn.route} (auth: ${fn.authLevel})`,
    );
  }
  process.send?.({ ready: true, port: actualPort });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
