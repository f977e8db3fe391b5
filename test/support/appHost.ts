import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { after, afterEach, before } from "node:test";
import { QueueServiceClient } from "@azure/storage-queue";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import type { Scenario } from "../../emulator/scenario";
import { startAzurite, type AzuriteInstance } from "../../local/startAzurite";
import { jobQueueName, poisonQueueName } from "../../src/lib/jobs/jobNames";
import { startTableFaultProxy, type TableFaultProxy } from "./tableFaultProxy";
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

/** What a file of kill tests runs against: see `useAppHostStack`. */
export interface AppHostStack {
  readonly emulator: RunningEmulator;
  readonly azurite: AzuriteInstance;
  /** The app's Table traffic goes through it (faults and holds); queues go straight to Azurite. */
  readonly proxy: TableFaultProxy;
  readonly hosts: AppHosts;
}

/**
 * The emulator, Azurite with the job queues created, the Table fault proxy in front of it and the
 * app's local hosts: started once for the file, every host killed and the proxy healed after each
 * test. The fields are set when the file's `before` has run.
 */
export function useAppHostStack(scenario: () => Scenario): AppHostStack {
  const stack: { -readonly [K in keyof AppHostStack]?: AppHostStack[K] } = {};
  const get = <K extends keyof AppHostStack>(key: K): AppHostStack[K] => {
    const value = stack[key];
    if (value === undefined) throw new Error(`the test stack's ${key} is used before the file's before() ran`);
    return value;
  };
  before(async () => {
    stack.emulator = await startEmulator({ scenario: scenario() });
    stack.azurite = await startAzurite();
    stack.proxy = await startTableFaultProxy(stack.azurite.tableEndpoint);
    stack.hosts = appHosts(stack.emulator, stack.azurite, scenario);
    const service = QueueServiceClient.fromConnectionString(stack.azurite.connectionString);
    for (const name of [jobQueueName, poisonQueueName]) await service.getQueueClient(name).createIfNotExists();
  });
  afterEach(async () => {
    get("proxy").setUnavailable(false);
    await get("hosts").killAll();
  });
  after(async () => {
    get("hosts").close();
    await get("proxy").close();
    await Promise.all([get("emulator").close(), get("azurite").close()]);
  });
  return {
    get emulator() {
      return get("emulator");
    },
    get azurite() {
      return get("azurite");
    },
    get proxy() {
      return get("proxy");
    },
    get hosts() {
      return get("hosts");
    },
  };
}
