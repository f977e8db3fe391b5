import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
} from "@azure/storage-queue";
import { startAzurite, type AzuriteInstance } from "../../local/startAzurite";

const hook = path.resolve(__dirname, "..", "..", "..", "scripts", "waitForDeployAccess.sh");
const container = "app-package-probe";

let azurite: AzuriteInstance;
let sas: string;
let proxy: Server;
let proxyUrl: string;
/** How many more PUTs the proxy refuses with 403, as Storage does before a role assignment takes effect. */
let refusals = 0;
const seen: string[] = [];

/** An account SAS for Azurite's well-known account, as a test stand-in for the deployer's token. */
function accountSas(): string {
  const match = /AccountName=([^;]+);AccountKey=([^;]+)/.exec(azurite.connectionString);
  assert.ok(match !== null, "Azurite's connection string names its account and key");
  return generateAccountSASQueryParameters(
    {
      services: AccountSASServices.parse("b").toString(),
      resourceTypes: AccountSASResourceTypes.parse("sco").toString(),
      permissions: AccountSASPermissions.parse("rwdlc"),
      expiresOn: new Date(Date.now() + 3_600_000),
    },
    new StorageSharedKeyCredential(match[1]!, match[2]!),
  ).toString();
}

before(async () => {
  azurite = await startAzurite();
  sas = accountSas();
  const created = await fetch(`${azurite.blobEndpoint}/${container}?restype=container&${sas}`, {
    method: "PUT",
    headers: { "x-ms-version": "2023-11-03" },
  });
  assert.equal(created.status, 201);
  const target = new URL(azurite.blobEndpoint);
  proxy = createServer((incoming, outgoing) => {
    seen.push(`${incoming.method} ${refusals > 0 && incoming.method === "PUT" ? "403" : "pass"}`);
    if (incoming.method === "PUT" && refusals > 0) {
      refusals--;
      incoming.resume();
      outgoing.writeHead(403, { "x-ms-error-code": "AuthorizationPermissionMismatch" });
      outgoing.end("This request is not authorized to perform this operation using this permission.");
      return;
    }
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const account = new URL(azurite.blobEndpoint).pathname;
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${account}/${container}`;
});
after(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await azurite.close();
});
beforeEach(() => {
  refusals = 0;
  seen.length = 0;
});

interface HookRun {
  readonly code: number | null;
  readonly output: string;
}

/** Runs the sh hook as azd would, with the environment's outputs; killed if it outlives `boundMs`. */
function runHook(env: Record<string, string>, boundMs = 30_000): Promise<HookRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", [hook], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), boundMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function blobsInContainer(): Promise<string[]> {
  const listing = await fetch(`${azurite.blobEndpoint}/${container}?restype=container&comp=list&${sas}`, {
    headers: { "x-ms-version": "2023-11-03" },
  });
  return [...(await listing.text()).matchAll(/<Name>([^<]+)<\/Name>/g)].map((match) => match[1]!);
}

const probing = (): Record<string, string> => ({
  AVD_DEPLOYMENT_CONTAINER_URL: proxyUrl,
  AVD_DEPLOYER_PROBE: "true",
  AVD_DEPLOY_PROBE_SAS: sas,
  AVD_DEPLOY_WAIT_INTERVAL_SECONDS: "0.1",
});

describe("the predeploy hook (scripts/waitForDeployAccess.sh) against Azurite", () => {
  it("waits through 403s until the deployer can write to the deployment container, saying what it waits for, then lets the deploy go on", async () => {
    refusals = 3;
    const run = await runHook({ ...probing(), AVD_DEPLOY_WAIT_SECONDS: "60" });
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /waiting up to 60 s for the storage role assignments to take effect/);
    assert.equal(run.output.match(/HTTP 403, not yet/g)?.length, 3, run.output);
    assert.match(run.output, /in effect after \d+ s \(4 probe\(s\)\)/);
    assert.deepEqual(seen, ["PUT 403", "PUT 403", "PUT 403", "PUT pass", "DELETE pass"]);
    assert.deepEqual(await blobsInContainer(), [], "the probe blob is removed");
  });

  it("gives up once its bound has passed, failing the deploy with what to do next", async () => {
    refusals = Number.MAX_SAFE_INTEGER;
    const run = await runHook({ ...probing(), AVD_DEPLOY_WAIT_SECONDS: "1" });
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /still refused \(HTTP 403\) after \d+ s/);
    assert.match(run.output, /run 'azd deploy' again/);
    assert.ok(seen.length >= 2, "it retried before giving up");
    assert.ok(seen.every((request) => request === "PUT 403"));
  });

  it("does not wait when the deployer was given no probe access (no AZURE_PRINCIPAL_ID)", async () => {
    const run = await runHook({ AVD_DEPLOYMENT_CONTAINER_URL: proxyUrl, AVD_DEPLOYER_PROBE: "false" });
    assert.equal(run.code, 0);
    assert.match(run.output, /not waiting for role assignments/);
    assert.deepEqual(seen, []);
  });
});
