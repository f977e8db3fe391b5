import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Azurite's well-known development account: public, documented, and accepted only by Azurite. */
const devAccountName = "devstoreaccount1";
const devAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteInstance {
  /** The Azurite process, for a caller that must know it has gone. */
  readonly pid: number;
  readonly queueEndpoint: string;
  readonly tableEndpoint: string;
  readonly blobEndpoint: string;
  /** What `AzureWebJobsStorage` holds locally. */
  readonly connectionString: string;
  close(): Promise<void>;
}

const listening = /Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/\S+)/;
/** Azurite's last words when a port is taken: `listen EADDRINUSE: address already in use 127.0.0.1:10001`. */
const addressInUse = /EADDRINUSE: address already in use [\d.]+:(\d+)/;

export interface StartAzuriteOptions {
  /** 0 (any free port) by default. */
  readonly blobPort?: number;
  readonly queuePort?: number;
  readonly tablePort?: number;
  /** Gives up starting: Azurite is stopped and its folder removed before the promise rejects. */
  readonly signal?: AbortSignal;
}

/** Azurite could not listen on a port it was given: `port` names which. */
export class AzuritePortInUseError extends Error {
  override readonly name = "AzuritePortInUseError";
  constructor(readonly port: number) {
    super(`Azurite could not listen on port ${port}: it is in use`);
  }
}

/**
 * Starts the npm `azurite` package on loopback, on the given or free ports, in a temporary folder
 * that is removed on close, when it fails to start, and by Azurite itself when this process ends
 * without closing it: the real Storage emulator, never an in-memory stand-in.
 */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<AzuriteInstance> {
  const location = mkdtempSync(path.join(tmpdir(), "avd-azurite-"));
  const entry = require.resolve("azurite/dist/src/azurite.js");
  const child = spawn(
    process.execPath,
    [
      path.join(__dirname, "azuriteProcess.js"),
      entry,
      "--location",
      location,
      "--blobPort",
      String(options.blobPort ?? 0),
      "--queuePort",
      String(options.queuePort ?? 0),
      "--tablePort",
      String(options.tablePort ?? 0),
      "--blobHost",
      "127.0.0.1",
      "--queueHost",
      "127.0.0.1",
      "--tableHost",
      "127.0.0.1",
      "--disableTelemetry",
      "--skipApiVersionCheck",
    ],
    // Azurite's stdin stays open while this process lives: when it closes, Azurite ends (azuriteProcess.ts).
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  const endpoints = new Map<string, string>();
  let output = "";
  const stopped = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  let onExitEarly: ((code: number | null) => void) | undefined;
  options.signal?.addEventListener("abort", stop, { once: true });
  try {
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
      onExitEarly = (code) => {
        const busyPort = addressInUse.exec(output)?.[1];
        if (busyPort !== undefined) reject(new AzuritePortInUseError(Number(busyPort)));
        else if (options.signal?.aborted === true)
          reject(new DOMException("Azurite was stopped while starting", "AbortError"));
        else reject(new Error(`azurite exited (${String(code)}) before listening: ${output}`));
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
      child.once("exit", onExitEarly);
      child.once("error", reject);
      if (options.signal?.aborted === true) stop();
    });
  } catch (error) {
    stop();
    if (child.pid !== undefined) await stopped;
    rmSync(location, { recursive: true, force: true });
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", stop);
    if (onExitEarly !== undefined) child.off("exit", onExitEarly);
  }
  const account = (endpoint: string): string => `${endpoint}/${devAccountName}`;
  const queueEndpoint = account(endpoints.get("Queue")!);
  const tableEndpoint = account(endpoints.get("Table")!);
  const blobEndpoint = account(endpoints.get("Blob")!);
  return {
    pid: child.pid!,
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
      stop();
      await stopped;
      rmSync(location, { recursive: true, force: true });
    },
  };
}
