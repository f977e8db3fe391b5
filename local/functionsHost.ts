import type { AddressInfo } from "node:net";
import path from "node:path";
import { emulatedAuthenticationSetting, parseEmulatedAuthentication } from "./emulateAppServiceAuthentication";
import { setLogSink } from "./functionsCoreStandIn/coreApi";
import { readHostQueueSettings } from "./hostQueueSettings";
import { loadFunctionApp } from "./loadFunctionApp";
import { queueTriggers, serveQueueTriggers } from "./serveQueueTriggers";
import { httpRoutes, serveHttpFunctions } from "./serveHttpFunctions";

/** The host's lease on a message being processed (10 minutes); only tests shorten it. */
const defaultLeaseSeconds = 600;

function send(message: object): void {
  process.send?.(message);
}

/**
 * A stand-in for `func start` (Core Tools cannot be installed here), run as its own process with
 * the `@azure/functions-core` stand-in on NODE_PATH (see functionsCoreStandIn/): loads the app
 * from package.json `main` in FUNCTIONS_APP_ROOT (default: this project), serves its HTTP
 * functions and listens on its queue triggers. Settings come from the environment, as in Azure.
 * `--describe` prints the registered metadata and exits.
 */
async function main(): Promise<void> {
  const appRoot = process.env.FUNCTIONS_APP_ROOT ?? path.resolve(__dirname, "..", "..");
  setLogSink((level, category, message) => console.log(`[${level}] (${category}) ${message}`));
  const authentication = parseEmulatedAuthentication(process.env[emulatedAuthenticationSetting]);
  // What App Service sets for the app when Authentication is on; the app trusts principal headers only then.
  if (authentication !== undefined) process.env.WEBSITE_AUTH_ENABLED = "True";
  const app = await loadFunctionApp(appRoot);
  if (process.argv.includes("--describe")) {
    const metadata = app.functions.map((fn) => fn.metadata);
    if (process.send) process.send({ functions: metadata }, () => process.disconnect());
    else console.log(JSON.stringify(metadata, null, 2));
    return;
  }

  const port = Number(process.env.FUNCTIONS_HTTP_PORT ?? "7071");
  const functionKey = process.env.FUNCTIONS_KEY;
  if (!functionKey) throw new Error("FUNCTIONS_KEY must be set");
  const log = (line: string) => console.log(line);
  const routes = httpRoutes(app.functions);
  const server = await serveHttpFunctions(app.programmingModel, routes, { port, functionKey, log, authentication });
  const actualPort = (server.address() as AddressInfo).port;
  if (authentication !== undefined) {
    log(
      `functions host: App Service Authentication emulated (AllowAnonymous; ${authentication.size} test bearer token(s); WEBSITE_AUTH_ENABLED=True)`,
    );
  }
  for (const route of routes) {
    log(
      `functions host: ${route.function.metadata.name} [${route.methods.join(",")}] http://localhost:${actualPort}/api/${route.route} (auth: ${route.authLevel})`,
    );
  }

  const triggers = queueTriggers(app.functions);
  const leaseSeconds = Number(process.env.LOCAL_HOST_QUEUE_LEASE_SECONDS ?? defaultLeaseSeconds);
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < 1)
    throw new Error("LOCAL_HOST_QUEUE_LEASE_SECONDS must be a whole number of seconds");
  const listeners =
    triggers.length === 0
      ? []
      : serveQueueTriggers(app.programmingModel, triggers, {
          settings: readHostQueueSettings(appRoot, process.env),
          leaseSeconds,
          env: process.env,
          log: (invocationId, level, _category, message) => log(`[${level}] ${invocationId} ${message}`),
          onEvent: (event) => {
            if (event.kind !== "idle" && event.kind !== "atCapacity" && event.kind !== "leaseRenewed")
              log(`queue ${event.queue}: ${JSON.stringify(event)}`);
            send({ queueEvent: event });
          },
        });
  for (const trigger of triggers) {
    log(
      `functions host: ${trigger.function.metadata.name} queue ${trigger.queueName} (connection: ${trigger.connection})`,
    );
  }

  let stopping = false;
  // First signal: stop polling and let running functions finish, as the host drains; a second one ends at once.
  const shutdown = () => {
    if (stopping) process.exit(1);
    stopping = true;
    server.close();
    void Promise.all(listeners.map((listener) => listener.stop())).then(() => process.exit(0));
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
  // Started by npm start or a test: go when the parent goes.
  process.once("disconnect", shutdown);
  send({ ready: true, port: actualPort });
}

main().catch((error: unknown) => {
  // A port in use is the machine's state, not a fault of the host: one line, to the parent if there is one.
  const { code, port } = error as { code?: unknown; port?: unknown };
  if (code === "EADDRINUSE" && typeof port === "number") {
    if (process.send) process.send({ portInUse: port }, () => process.exit(1));
    else {
      console.error(`functions host: port ${port} is in use`);
      process.exit(1);
    }
    return;
  }
  console.error(error);
  process.exit(1);
});
