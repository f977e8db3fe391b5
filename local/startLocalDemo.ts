import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import type { Server as HttpServer } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { readScenarioFile, scenariosDirectory } from "../emulator/readScenarioFile";
import type { Scenario } from "../emulator/scenario";
import { startEmulator } from "../emulator/startEmulator";
import { createCleanupStack } from "./cleanupStack";
import { createTriggerQueues } from "./createTriggerQueues";
import { describeFunctionApp, forkFunctionsHost } from "./forkFunctionsHost";
import { readHostJsonQueues } from "./hostQueueSettings";
import { serveEmulatorState } from "./serveEmulatorState";
import { AzuritePortInUseError, startAzurite } from "./startAzurite";

/** Example 5: warned now, signed out after a grace period that only an asynchronous call may have. */
const asyncExample =
  '{"userPrincipalNames":["carol@contoso.com","dave@contoso.com"],"notify":{"title":"Sign-out","message":"You will be signed out in 20 seconds."},"gracePeriodSeconds":20}';

function curlExamples(functionsUrl: string, key: string, stateUrl: string): string {
  const endpoint = `${functionsUrl}/api/avd/user-signout`;
  const post = (body: string) =>
    `curl -s -X POST "${endpoint}" -H "x-functions-key: ${key}" -H "content-type: application/json" -d '${body}'`;
  return [
    "# 1. Dry run: which sessions would alice lose? (changes nothing)",
    post('{"userPrincipalName":"alice@contoso.com","dryRun":true}'),
    "# 2. Sign alice out everywhere (her look-alike alice@contoso.com.evil.example keeps its session)",
    post('{"userPrincipalName":"alice@contoso.com"}'),
    "# 3. An invalid request: 400 naming the field, no Azure call",
    post('{"userPrincipleName":"alice@contoso.com"}'),
    "# 4. Tell bob first, then disconnect him (his session and apps keep running)",
    post(
      '{"userPrincipalName":"bob@contoso.com","mode":"disconnect","notify":{"title":"Maintenance","message":"You will be disconnected now."},"reason":"INC0012345"}',
    ),
    "# 5. Asynchronously: warn carol and dave, sign them out 20 s later. 202 at once; Location is the status URL",
    `loc=$(curl -s -o /dev/null -w '%header{location}' -X POST "${endpoint}" -H "x-functions-key: ${key}" -H "Prefer: respond-async" -H "content-type: application/json" -d '${asyncExample}')`,
    "# ...and poll it as a Logic App would (no key: the URL carries its own token) until it stops answering 202",
    'while [ "$(curl -s -o /tmp/avd-status.json -w \'%{http_code}\' "$loc")" = 202 ]; do cat /tmp/avd-status.json; echo; sleep 5; done; cat /tmp/avd-status.json',
    "# The API description (OpenAPI 2.0, importable as a custom connector):",
    `curl -s "${functionsUrl}/api/openapi.json" -H "x-functions-key: ${key}"`,
    "# What the emulated Azure holds now:",
    `curl -s ${stateUrl}/sessions`,
  ].join("\n");
}

/** The demo's polling ceiling when host.json sets none: a delayed job starts within 2 s of becoming visible. */
const demoMaxPollingInterval = "00:00:02";

/** Every listener the demo opens, by the command-line option that sets its port. */
export type PortOption =
  "port" | "state-port" | "arm-port" | "identity-port" | "blob-port" | "queue-port" | "table-port";

export interface LocalDemoOptions {
  /** A scenario name in emulator/scenarios, or a path to a scenario JSON file. */
  readonly scenario: string;
  /** 0: any free port. */
  readonly ports: Readonly<Record<PortOption, number>>;
}

/** A fault of the command line or of the machine (a missing file, a port in use): one line for the person, no stack. */
export class LocalDemoError extends Error {
  override readonly name = "LocalDemoError";
}

/**
 * `npm start` (through scripts/launchLocalDemo.mjs): the demo tenant on the emulator, Azurite as
 * the app's storage account, and the built app served as the Functions host would serve it. The
 * app runs in a child process that is wired to the emulators only through the settings it reads in
 * Azure; the emulator's CA reaches it the standard way, NODE_EXTRA_CA_CERTS. Runs until `stop`
 * aborts (0) or the host exits (its exit code), and leaves nothing behind either way: every
 * process it started has exited and every temporary folder is gone before it returns or throws.
 */
export async function runLocalDemo(options: LocalDemoOptions, stop: AbortSignal): Promise<number> {
  const scenario = loadScenario(options.scenario);
  await assertPortsFree(options.ports);
  const { ports } = options;
  const cleanup = createCleanupStack();
  try {
    const emulator = await startEmulator({
      scenario,
      armPort: ports["arm-port"],
      identityPort: ports["identity-port"],
    }).catch((error: unknown) => Promise.reject(asPortInUse(error, ports)));
    cleanup.defer(() => emulator.close());
    const stateServer = await serveEmulatorState(emulator, ports["state-port"]).catch((error: unknown) =>
      Promise.reject(asPortInUse(error, ports)),
    );
    cleanup.defer(() => closeServer(stateServer));
    const stateUrl = `http://localhost:${(stateServer.address() as AddressInfo).port}`;

    const caFolder = mkdtempSync(path.join(tmpdir(), "avd-user-signout-"));
    cleanup.defer(() => rmSync(caFolder, { recursive: true, force: true }));
    const caFile = path.join(caFolder, "emulator-ca.pem");
    writeFileSync(caFile, emulator.caCertificatePem);
    if (stop.aborted) return 0;

    const azurite = await startAzurite({
      blobPort: ports["blob-port"],
      queuePort: ports["queue-port"],
      tablePort: ports["table-port"],
      signal: stop,
    }).catch((error: unknown) => Promise.reject(asPortInUse(error, ports)));
    cleanup.defer(() => azurite.close());

    const projectRoot = path.resolve(__dirname, "..", "..");
    const functionKey = randomBytes(24).toString("base64url");
    const pollingOverride =
      readHostJsonQueues(projectRoot).maxPollingInterval === undefined
        ? { AzureFunctionsJobHost__extensions__queues__maxPollingInterval: demoMaxPollingInterval }
        : {};
    const appEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_EXTRA_CA_CERTS: caFile,
      FUNCTIONS_KEY: functionKey,
      FUNCTIONS_HTTP_PORT: String(ports.port),
      IDENTITY_ENDPOINT: emulator.identityEndpoint,
      IDENTITY_HEADER: emulator.identityHeader,
      AVD_SUBSCRIPTION_IDS: scenario.subscriptions.map((subscription) => subscription.id).join(","),
      AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.armEndpoint,
      AzureWebJobsStorage: azurite.connectionString,
      ...pollingOverride,
    };
    const queues = await createTriggerQueues(azurite.connectionString, await describeFunctionApp(appEnv));
    if (stop.aborted) return 0;

    const host = forkFunctionsHost(appEnv);
    const hostExit = new Promise<number>((resolve) => host.once("exit", (code) => resolve(code ?? 1)));
    // The demo's storage goes with it, so the host has nothing to drain: it stops at once.
    cleanup.defer(async () => {
      if (isRunning(host)) host.kill("SIGKILL");
      await hostExit;
    });
    const started = await Promise.race([
      hostStarted(host),
      hostExit.then((code) => ({ exitedWith: code })),
      whenAborted(stop).then(() => ({ stopped: true as const })),
    ]);
    if ("stopped" in started) return 0;
    if ("exitedWith" in started) {
      throw new LocalDemoError(`the functions host stopped before it was ready (exit code ${started.exitedWith})`);
    }
    if ("portInUse" in started) throw new LocalDemoError(portInUseMessage("port", started.portInUse));

    const functionsUrl = `http://localhost:${started.port}`;
    console.log(
      `\nEmulated Azure (${options.scenario}): ARM ${emulator.armEndpoint}, managed identity ${emulator.identityEndpoint}`,
    );
    console.log(
      `Azurite (AzureWebJobsStorage): queues ${azurite.queueEndpoint}, tables ${azurite.tableEndpoint}, blobs ${azurite.blobEndpoint}`,
    );
    console.log(`Trigger queues: ${queues.length > 0 ? queues.join(", ") : "(none registered)"}`);
    if ("AzureFunctionsJobHost__extensions__queues__maxPollingInterval" in pollingOverride) {
      console.log(`Queue polling: host.json sets no maxPollingInterval; ${demoMaxPollingInterval} for this demo`);
    }
    console.log(`Function key: ${functionKey}\n`);
    console.log(curlExamples(functionsUrl, functionKey, stateUrl));
    const pids = [process.pid, host.pid, azurite.pid];
    console.log(`\n${JSON.stringify({ ready: true, functionsUrl, stateUrl, functionKey, pids })}`);
    console.log("Press Ctrl+C to stop.");

    return await Promise.race([hostExit, whenAborted(stop).then(() => 0)]);
  } catch (error) {
    if (stop.aborted && !(error instanceof LocalDemoError)) return 0;
    throw error;
  } finally {
    await cleanup.unwind();
  }
}

function loadScenario(nameOrPath: string): Scenario {
  try {
    return readScenarioFile(nameOrPath);
  } catch (error) {
    const { code, path: missing } = error as NodeJS.ErrnoException;
    if (code === "ENOENT") {
      const names = readdirSync(scenariosDirectory)
        .filter((file) => file.endsWith(".json"))
        .map((file) => file.slice(0, -".json".length));
      const what = missing === nameOrPath ? "no such file" : `no scenario of that name in emulator/scenarios`;
      throw new LocalDemoError(
        `--scenario ${nameOrPath}: ${what}; give a scenario name (${names.join(", ")}) or the path of a scenario JSON file`,
      );
    }
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new LocalDemoError(`--scenario ${nameOrPath} is not a usable scenario: ${reason}`);
  }
}

/** Fails at once, before anything starts, when a port given on the command line is taken or given twice. */
async function assertPortsFree(ports: LocalDemoOptions["ports"]): Promise<void> {
  const given = (Object.entries(ports) as Array<[PortOption, number]>).filter(([, port]) => port !== 0);
  for (const [index, [option, port]] of given.entries()) {
    const twin = given.slice(0, index).find(([, other]) => other === port);
    if (twin !== undefined) {
      throw new LocalDemoError(
        `--${twin[0]} and --${option} are both ${port}: give each its own port (0: any free one)`,
      );
    }
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once("error", (error) => reject(asPortInUse(error, ports)));
      probe.listen({ port, host: "127.0.0.1", exclusive: true }, () => probe.close(() => resolve()));
    });
  }
}

function portInUseMessage(option: PortOption | undefined, port: number): string {
  const named = option === undefined ? `port ${port}` : `--${option} ${port}`;
  return `${named} is in use: stop what listens there, or pick another port${option === undefined ? "" : ` with --${option}`} (0: any free one)`;
}

/** A taken port becomes a LocalDemoError naming the option that set it; anything else is returned as it is. */
function asPortInUse(error: unknown, ports: LocalDemoOptions["ports"]): Error {
  const port =
    error instanceof AzuritePortInUseError
      ? error.port
      : (error as { code?: unknown }).code === "EADDRINUSE"
        ? (error as { port?: unknown }).port
        : undefined;
  if (typeof port !== "number") return error instanceof Error ? error : new Error(String(error));
  const option = (Object.keys(ports) as PortOption[]).find((candidate) => ports[candidate] === port);
  return new LocalDemoError(portInUseMessage(option, port));
}

function hostStarted(host: ChildProcess): Promise<{ port: number } | { portInUse: number }> {
  return new Promise((resolve) =>
    host.on("message", (message: { ready?: boolean; port?: number; portInUse?: number }) => {
      if (message.ready === true && typeof message.port === "number") resolve({ port: message.port });
      if (typeof message.portInUse === "number") resolve({ portInUse: message.portInUse });
    }),
  );
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function whenAborted(signal: AbortSignal): Promise<void> {
  return signal.aborted
    ? Promise.resolve()
    : new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

/** Closes the listener and drops idle keep-alive connections (a browser's, a curl still open). */
function closeServer(server: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
