import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { QueueServiceClient } from "@azure/storage-queue";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { emulatedAuthenticationSetting } from "../../local/emulateAppServiceAuthentication";
import { startAzurite, type AzuriteInstance } from "../../local/startAzurite";
import { jobQueueName, poisonQueueName } from "../../src/lib/jobs/jobNames";
import { aliceSessions, everyoneButAlice, tenantScenario } from "../integration/tenantScenario";
import { isQueueEvent, startLocalHost, type LocalHostProcess } from "./localHostProcess";

const projectRoot = path.resolve(__dirname, "..", "..", "..");
const requiredRole = "AvdSignout.Operator";
const operatorToken = "operator-token";
const readerToken = "reader-token";

let emulator: RunningEmulator;
let azurite: AzuriteInstance;
let host: LocalHostProcess;

function remaining(): string[] {
  return emulator
    .sessions()
    .map((s) => `${s.subscriptionId.slice(0, 8)}/${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.userPrincipalName}`)
    .sort();
}

function postSignOut(headers: Record<string, string>, body: unknown = { userPrincipalName: "alice@contoso.com" }) {
  return fetch(`${host.url}/api/avd/user-signout`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

async function errorCode(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { error?: { code?: string } }).error?.code;
}

before(async () => {
  emulator = await startEmulator({ scenario: tenantScenario() });
  azurite = await startAzurite();
  const caFile = path.join(mkdtempSync(path.join(tmpdir(), "avd-auth-")), "emulator-ca.pem");
  writeFileSync(caFile, emulator.caCertificatePem);
  const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
  for (const name of [jobQueueName, poisonQueueName]) await queues.getQueueClient(name).createIfNotExists();
  // The built app with a caller role required, behind emulated App Service Authentication — as
  // deployed with authClientId and requiredCallerRole set.
  host = await startLocalHost({
    FUNCTIONS_APP_ROOT: projectRoot,
    NODE_EXTRA_CA_CERTS: caFile,
    IDENTITY_ENDPOINT: emulator.identityEndpoint,
    IDENTITY_HEADER: emulator.identityHeader,
    AVD_SUBSCRIPTION_IDS: tenantScenario()
      .subscriptions.map((subscription) => subscription.id)
      .join(","),
    AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.armEndpoint,
    AzureWebJobsStorage: azurite.connectionString,
    AzureFunctionsJobHost__extensions__queues__maxPollingInterval: "00:00:00.500",
    REQUIRED_CALLER_ROLE: requiredRole,
    [emulatedAuthenticationSetting]: JSON.stringify({
      [operatorToken]: { name: "flow@contoso.com", roles: [requiredRole] },
      [readerToken]: { name: "reader@contoso.com", roles: ["AvdSignout.Reader"] },
    }),
  });
});
after(async () => {
  await host?.kill();
  await Promise.all([emulator?.close(), azurite?.close()]);
});

describe("built-in authentication on (AllowAnonymous), a caller role required: the app on the local host", () => {
  it("refuses a sign-out whose token lacks the role with 403, touching nothing", async () => {
    emulator.load(tenantScenario());
    const response = await postSignOut({ "x-functions-key": host.functionKey, authorization: `Bearer ${readerToken}` });
    assert.equal(response.status, 403);
    assert.equal(await errorCode(response), "CallerNotAuthorized");
    assert.deepEqual(remaining(), [...everyoneButAlice, ...aliceSessions].sort());
    assert.equal(emulator.calls().length, 0, "no Azure call");
  });

  it("refuses a sign-out without a token with 403, even with forged principal headers", async () => {
    const forged = Buffer.from(JSON.stringify({ claims: [{ typ: "roles", val: requiredRole }] })).toString("base64");
    const response = await postSignOut({
      "x-functions-key": host.functionKey,
      "x-ms-client-principal": forged,
      "x-ms-client-principal-id": "1",
      "x-ms-client-principal-name": "mallory",
      "x-ms-client-principal-idp": "aad",
    });
    assert.equal(response.status, 403);
    assert.equal(await errorCode(response), "CallerNotAuthorized");
  });

  it("answers 401 to a token the platform cannot validate, before the app runs", async () => {
    const response = await postSignOut({ "x-functions-key": host.functionKey, authorization: "Bearer forged" });
    assert.equal(response.status, 401);
    await response.body?.cancel();
  });

  it("still asks for the function key of a caller with the role", async () => {
    const response = await postSignOut({ authorization: `Bearer ${operatorToken}` });
    assert.equal(response.status, 401);
    await response.body?.cancel();
  });

  it("signs out for a caller with the role, and answers its credential-less status polls with 202, then 200", async () => {
    emulator.load({ ...tenantScenario(), latencyMs: 100 });
    const accepted = await postSignOut({
      "x-functions-key": host.functionKey,
      authorization: `Bearer ${operatorToken}`,
      prefer: "respond-async",
    });
    assert.equal(accepted.status, 202);
    await accepted.body?.cancel();
    const location = accepted.headers.get("location")!;

    // As Power Automate polls: the URL as given, no key, no token.
    const running = await fetch(location);
    assert.equal(running.status, 202);
    await running.body?.cancel();

    await host.waitFor("the job message to complete", (message) => isQueueEvent(message, "completed", jobQueueName));
    const finished = await fetch(location);
    assert.equal(finished.status, 200);
    const report = (await finished.json()) as { status: string; counts: { signedOut: number } };
    assert.equal(report.status, "completed");
    assert.equal(report.counts.signedOut, aliceSessions.length);
    assert.deepEqual(remaining(), everyoneButAlice);
  });

  it("serves the OpenAPI document for the function key alone, describing how to connect with an Entra token", async () => {
    const response = await fetch(`${host.url}/api/openapi.json?code=${host.functionKey}`);
    assert.equal(response.status, 200);
    const document = (await response.json()) as {
      securityDefinitions: Record<string, { type: string; description?: string }>;
    };
    const oauth = Object.values(document.securityDefinitions).filter((scheme) => scheme.type === "oauth2");
    assert.equal(oauth.length, 1);
    assert.match(oauth[0]!.description ?? "", new RegExp(requiredRole.replace(".", "\\.")));
  });
});
