import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Azurite's well-known development account: public, documented, and accepted only by Azurite. */
const devAccountName = "devstoreaccount1";
const devAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteInstance {
  readonly queueEndpoint: string;
  readonly tableEndpoint: string;
  readonly blobEndpoint: string;
  /** What `AzureWebJobsStorage` holds locally. */
  readonly connectionString: string;
  close(): Promise<void>;
}

const listening = /Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/\S+)/;

/**
 * Starts the npm `azurite` package on loopback, on free ports, in a temporary folder that is
 * removed on close: the real Storage emulator, never an in-memory stand-in.
 */
export async function startAzurite(): Promise<AzuriteInstance> {
  const location = mkdtempSync(path.join(tmpdir(), "avd-azurite-"));
  const entry = require.resolve("azurite/dist/src/azurite.js");
  const child = spawn(
    process.execPath,
    [
      entry,
      "--location",
      location,
      "--blobPort",
      "0",
      "--queuePort",
      "0",
      "--tablePort",
      "0",
      "--blobHost",
      "127.0.0.1",
      "--queueHost",
      "127.0.0.1",
      "--tableHost",
      "127.0.0.1",
      "--disableTelemetry",
      "--skipApiVersionCheck",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const endpoints = new Map<string, string>();
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      for (const line of output.split("\n")) {
        const match = listening.exec(line);
        if (match?.[1] !== undefined && match[2] !== undefined) endpoints.set(match[1], match[2]);
      }
      if (endpoints.size === 3) {
        child.stdout.off("data", onData);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("exit", (code) => reject(new Error(`azurite exited (${String(code)}) before listening: ${output}`)));
    child.once("error", reject);
  });
  child.removeAllListeners("exit");
  const account = (endpoint: string): string => `${endpoint}/${devAccountName}`;
  const queueEndpoint = account(endpoints.get("Queue")!);
  const tableEndpoint = account(endpoints.get("Table")!);
  const blobEndpoint = account(endpoints.get("Blob")!);
  return {
    queueEndpoint,
    tableEndpoint,
    blobEndpoint,
    connectionString: [
      "DefaultEndpointsProtocol=http",
      `AccountName=${devAccountName}`,
      `AccountKey=${devAccountKey}`,
      `BlobEndpoint=${blobEndpoint}`,
      `QueueEndpoint=${queueEndpoint}`,
      `TableEndpoint=${tableEndpoint}`,
    ].join(";"),
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(location, { recursive: true, force: true });
    },
  };
}
