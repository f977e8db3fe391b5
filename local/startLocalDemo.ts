import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { readScenarioFile } from "../emulator/readScenarioFile";
import { startEmulator } from "../emulator/startEmulator";
import { createTriggerQueues } from "./createTriggerQueues";
import { describeFunctionApp, forkFunctionsHost } from "./forkFunctionsHost";
import { readHostJsonQueues } from "./hostQueueSettings";
import { serveEmulatorState } from "./serveEmulatorState";
import { startAzurite } from "./startAzurite";

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

/**
 * `npm start`: the demo tenant on the emulator, Azurite as the app's storage account, and the built
 * app served as the Functions host would serve it. The app runs in a child process that is wired to
 * the emulators only through the settings it reads in Azure; the emulator's CA reaches it the
 * standard way, NODE_EXTRA_CA_CERTS.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: "string", default: "demo-tenant" },
      port: { type: "string", default: "7071" },
      "state-port": { type: "string", default: "7072" },
    },
  });
  const projectRoot = path.resolve(__dirname, "..", "..");
  const scenario = readScenarioFile(values.scenario);
  const emulator = await startEmulator({ scenario });
  const stateServer = await serveEmulatorState(emulator, Number(values["state-port"]));
  const stateUrl = `http://localhost:${(stateServer.address() as AddressInfo).port}`;

  const caFile = path.join(mkdtempSync(path.join(tmpdir(), "avd-user-signout-")), "emulator-ca.pem");
  writeFileSync(caFile, emulator.caCertificatePem);
  const functionKey = randomBytes(24).toString("base64url");
  const azurite = await startAzurite();

  const pollingOverride =
    readHostJsonQueues(projectRoot).maxPollingInterval === undefined
      ? { AzureFunctionsJobHost__extensions__queues__maxPollingInterval: demoMaxPollingInterval }
      : {};
  const appEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_EXTRA_CA_CERTS: caFile,
    FUNCTIONS_KEY: functionKey,
    FUNCTIONS_HTTP_PORT: values.port,
    IDENTITY_ENDPOINT: emulator.identityEndpoint,
    IDENTITY_HEADER: emulator.identityHeader,
    AVD_SUBSCRIPTION_IDS: scenario.subscriptions.map((subscription) => subscription.id).join(","),
    AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.armEndpoint,
    AzureWebJobsStorage: azurite.connectionString,
    ...pollingOverride,
  };
  const queues = await createTriggerQueues(azurite.connectionString, await describeFunctionApp(appEnv));
  const host = forkFunctionsHost(appEnv);
  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    host.kill();
    stateServer.close();
    void Promise.all([emulator.close(), azurite.close()]).then(() => process.exit(code));
  };
  process.once("SIGINT", () => stop(0));
  process.once("SIGTERM", () => stop(0));
  host.once("exit", (code) => stop(code ?? 1));

  const port = await new Promise<number>((resolve) =>
    host.on("message", (message: { ready?: boolean; port?: number }) => {
      if (message.ready === true && typeof message.port === "number") resolve(message.port);
    }),
  );
  const functionsUrl = `http://localhost:${port}`;
  console.log(
    `\nEmulated Azure (${values.scenario}): ARM ${emulator.armEndpoint}, managed identity ${emulator.identityEndpoint}`,
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
  console.log(`\n${JSON.stringify({ ready: true, functionsUrl, stateUrl, functionKey })}`);
  console.log("Press Ctrl+C to stop.");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
