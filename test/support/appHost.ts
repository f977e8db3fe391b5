import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { RunningEmulator } from "../../emulator/startEmulator";
import type { Scenario } from "../../emulator/scenario";
import type { AzuriteInstance } from "../../local/startAzurite";
import { startLocalHost, type LocalHostProcess } from "../local/localHostProcess";

const projectRoot = path.resolve(__dirname, "..", "..", "..");

export interface AppHosts {
  /** The built app on the local functions host, wired to the emulators only through its settings. */
  start(extraSettings?: Record<string, string>, scenario?: Scenario): Promise<LocalHostProcess>;
  /** Kills every host still running (SIGKILL). */
  killAll(): Promise<void>;
  /** Removes the CA file's folder. */
  close(): void;
}

export function appHosts(
  emulator: RunningEmulator,
  azurite: AzuriteInstance,
  defaultScenario: () => Scenario,
): AppHosts {
  const folder = mkdtempSync(path.join(tmpdir(), "avd-async-"));
  const caFile = path.join(folder, "emulator-ca.pem");
  writeFileSync(caFile, emulator.caCertificatePem);
  const hosts: LocalHostProcess[] = [];
  return {
    async start(extraSettings = {}, scenario = defaultScenario()) {
      const host = await startLocalHost({
        FUNCTIONS_APP_ROOT: projectRoot,
        NODE_EXTRA_CA_CERTS: caFile,
        IDENTITY_ENDPOINT: emulator.identityEndpoint,
        IDENTITY_HEADER: emulator.identityHeader,
        AVD_SUBSCRIPTION_IDS: scenario.subscriptions.map((subscription) => subscription.id).join(","),
        AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.armEndpoint,
        AzureWebJobsStorage: azurite.connectionString,
        // A crashed host's message returns after 2 s instead of 10 minutes; idle queues are polled every 0.5 s.
        LOCAL_HOST_QUEUE_LEASE_SECONDS: "2",
        AzureFunctionsJobHost__extensions__queues__maxPollingInterval: "00:00:00.500",
        ...extraSettings,
      });
      hosts.push(host);
      return host;
    },
    async killAll() {
      await Promise.all(hosts.splice(0).map((host) => host.kill()));
    },
    close() {
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export async function postAsync(host: LocalHostProcess, body: unknown): Promise<Response> {
  return fetch(`${host.url}/api/avd/user-signout`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-functions-key": host.functionKey, prefer: "respond-async" },
    body: JSON.stringify(body),
  });
}

export interface Polled {
  readonly answers: { status: number; body: { phase?: string; status?: string } }[];
  readonly final: Response;
  readonly body: Record<string, unknown> & { counts: Record<string, number>; status: string };
}

/** Polls the Location as a Logic App does (no key), within a bound; returns every answer. */
export async function pollLocation(location: string, bound = 400): Promise<Polled> {
  const answers: Polled["answers"] = [];
  for (let poll = 0; poll < bound; poll++) {
    const response = await fetch(location);
    const body = (await response.json()) as Polled["body"];
    answers.push({ status: response.status, body });
    if (response.status !== 202) return { answers, final: response, body };
    await delay(100);
  }
  throw new Error(`${location} still answered 202 after ${bound} polls`);
}
