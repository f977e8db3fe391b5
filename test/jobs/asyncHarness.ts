import { HttpRequest, InvocationContext } from "@azure/functions";
import type { QueueClient } from "@azure/storage-queue";
import type { TableClient } from "@azure/data-tables";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import type { Scenario } from "../../emulator/scenario";
import { startAzurite, type AzuriteInstance } from "../../local/startAzurite";
import { createUserSignoutHandler } from "../../src/lib/http/userSignoutHandler";
import type { HttpHandler } from "../../src/lib/http/withRuntime";
import { createOperationStatusHandler } from "../../src/lib/http/operationStatusHandler";
import { createRuntimeLoader, type AppRuntime } from "../../src/lib/app/createRuntimeLoader";
import { systemClock, type Clock } from "../../src/lib/base/clock";
import {
  createJobConsumerHandler,
  createPoisonHandler,
  type QueueHandler,
} from "../../src/lib/jobs/jobConsumerHandlers";
import type { JobStorage } from "../../src/lib/jobs/jobStorage";
import type { SignOutOrder } from "../../src/lib/engine/signOutOrder";
import type { SessionResult, SignOutCounts } from "../../src/lib/engine/report/signOutReport";
import type { ConfigurationError } from "../../src/lib/config/configurationError";
import type { Result } from "../../src/lib/base/result";

/** Whichever body came back (progress, report, error), loosely typed for assertions. */
export interface AsyncBody {
  readonly operationId: string;
  readonly status: string;
  readonly detail?: string;
  readonly phase?: string;
  readonly statusUrl?: string;
  readonly chunks: { readonly total: number };
  readonly counts: SignOutCounts;
  readonly notifications: { readonly sent: number; readonly failed: number; readonly notShown: number };
  readonly gracePeriodSeconds?: number;
  readonly userPrincipalName?: string;
  readonly userPrincipalNames: readonly string[];
  readonly users: readonly { readonly userPrincipalName: string; readonly status: string }[];
  readonly sessions: readonly SessionResult[];
  readonly operation: {
    readonly status: string;
    readonly completedAt?: string;
    readonly failures: readonly { readonly code: string; readonly message: string }[];
  };
  readonly error: { readonly code: string; readonly message: string };
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: AsyncBody;
  readonly logs: readonly string[];
}

export interface AsyncHarness {
  readonly emulator: RunningEmulator;
  readonly azurite: AzuriteInstance;
  readonly storage: JobStorage;
  readonly queue: QueueClient;
  readonly poisonQueue: QueueClient;
  readonly table: TableClient;
  /** What the queue-triggered functions logged, one line each. */
  readonly logs: string[];
  /** Every job the engine was handed, in order. */
  readonly jobs: SignOutOrder[];
  /** The settings the app reads, as the local host would pass them. */
  readonly settings: Readonly<Record<string, string>>;
  post(body: unknown, headers?: Record<string, string>): Promise<HttpAnswer>;
  get(url: string): Promise<HttpAnswer>;
  /**
   * One poll of the job queue with the host's semantics (batch of 16, base64 JSON handed over
   * decoded, a failed message made visible again, moved to `<queue>-poison` on its 5th failure),
   * then one of the poison queue. Returns how many messages were handled. A test driver for
   * handler-level tests; end-to-end tests run the local functions host instead.
   */
  pumpOnce(): Promise<number>;
  /** pumpOnce until both queues have nothing visible; returns the messages handled. */
  drain(): Promise<number>;
  /** Moves the app's clock (acceptance, consumer, status) ahead; 0 puts it back. */
  setClockOffset(ms: number): void;
  /** Makes every later consumer delivery throw (a fault that stays). */
  breakConsumer(reason: string | undefined): void;
  close(): Promise<void>;
}

let invocation = 0;

export async function startAsyncHarness(
  scenario: Scenario,
  extraSettings: Record<string, string> = {},
): Promise<AsyncHarness> {
  const emulator = await startEmulator({ scenario });
  const azurite = await startAzurite();
  process.env.IDENTITY_ENDPOINT = emulator.identityEndpoint;
  process.env.IDENTITY_HEADER = emulator.identityHeader;
  const settings: Record<string, string> = {
    IDENTITY_ENDPOINT: emulator.identityEndpoint,
    IDENTITY_HEADER: emulator.identityHeader,
    AVD_SUBSCRIPTION_IDS: scenario.subscriptions.map((subscription) => subscription.id).join(","),
    AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.armEndpoint,
    AzureWebJobsStorage: azurite.connectionString,
    ...extraSettings,
  };
  let clockOffset = 0;
  const clock: Clock = { now: () => Date.now() + clockOffset, sleep: (ms, signal) => systemClock.sleep(ms, signal) };
  const baseLoader = createRuntimeLoader({
    environment: settings,
    clock,
    armPipelineOptions: {
      tlsOptions: { ca: emulator.caCertificatePem },
      retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 40 },
    },
  });
  const jobs: SignOutOrder[] = [];
  let broken: string | undefined;
  let wrapped: Result<AppRuntime, ConfigurationError> | undefined;
  const loadRuntime = (): Result<AppRuntime, ConfigurationError> => {
    if (wrapped === undefined) {
      const loaded = baseLoader();
      wrapped = loaded.ok
        ? {
            ok: true,
            value: {
              ...loaded.value,
              signOut: (job, options) => {
                if (broken !== undefined) return Promise.reject(new Error(broken));
                jobs.push(job);
                return loaded.value.signOut(job, options);
              },
            },
          }
        : loaded;
    }
    return wrapped;
  };
  const runtime = loadRuntime();
  if (!runtime.ok) throw new Error(runtime.error.message);
  const storageResult = runtime.value.storage();
  if (!storageResult.ok) throw new Error(storageResult.error.message);
  const storage = storageResult.value;
  await storage.ensureCreated();

  const signOutHandler: HttpHandler = createUserSignoutHandler(loadRuntime);
  const statusHandler: HttpHandler = createOperationStatusHandler(loadRuntime);
  const consumer = createJobConsumerHandler(loadRuntime);
  const poison = createPoisonHandler(loadRuntime);

  const call = async (handler: HttpHandler, request: HttpRequest, functionName: string): Promise<HttpAnswer> => {
    const logs: string[] = [];
    const response = await handler(
      request,
      new InvocationContext({
        invocationId: `async-test-${++invocation}`,
        functionName,
        logHandler: (level, ...args) => logs.push(`${level} ${args.map(String).join(" ")}`),
      }),
    );
    return {
      status: response.status ?? 200,
      headers: Object.fromEntries(new Headers(response.headers as Record<string, string>)),
      body: response.jsonBody as AsyncBody,
      logs,
    };
  };

  const queueLogs: string[] = [];
  const pumpQueue = async (queue: QueueClient, handler: QueueHandler, name: string): Promise<number> => {
    const received = await queue.receiveMessages({ numberOfMessages: 16, visibilityTimeout: 600 });
    await Promise.all(
      received.receivedMessageItems.map(async (item) => {
        const text = Buffer.from(item.messageText, "base64").toString("utf8");
        let entry: unknown = text;
        try {
          entry = JSON.parse(text) as unknown;
        } catch {
          // Not JSON: the host hands it over as a string.
        }
        try {
          await handler(
            entry,
            new InvocationContext({
              invocationId: `queue-${++invocation}`,
              functionName: name,
              logHandler: (level, ...args) => queueLogs.push(`${level} ${args.map(String).join(" ")}`),
              triggerMetadata: { dequeueCount: item.dequeueCount },
            }),
          );
          await queue.deleteMessage(item.messageId, item.popReceipt);
        } catch {
          if (queue === storage.poisonQueue) {
            // The host gives a -poison queue no poison queue: the message stays invisible for its lease.
          } else if (item.dequeueCount >= 5) {
            await storage.poisonQueue.sendMessage(item.messageText);
            await queue.deleteMessage(item.messageId, item.popReceipt);
          } else {
            await queue.updateMessage(item.messageId, item.popReceipt, undefined, 0);
          }
        }
      }),
    );
    return received.receivedMessageItems.length;
  };

  const harness: AsyncHarness = {
    emulator,
    azurite,
    storage,
    queue: storage.queue,
    poisonQueue: storage.poisonQueue,
    table: storage.table,
    jobs,
    logs: queueLogs,
    settings,
    post(body, headers = {}) {
      return call(
        signOutHandler,
        new HttpRequest({
          method: "POST",
          url: "https://avd-signout.example.net/api/avd/user-signout",
          headers: { "content-type": "application/json", ...headers },
          body: { string: typeof body === "string" ? body : JSON.stringify(body) },
        }),
        "userSignout",
      );
    },
    get(url) {
      const parsed = new URL(url);
      const operationId = decodeURIComponent(parsed.pathname.split("/").pop() ?? "");
      return call(
        statusHandler,
        new HttpRequest({ method: "GET", url, params: { operationId } }),
        "userSignoutOperation",
      );
    },
    async pumpOnce() {
      const jobsHandled = await pumpQueue(storage.queue, consumer, "userSignoutJob");
      const poisonHandled = await pumpQueue(storage.poisonQueue, poison, "userSignoutJobPoison");
      return jobsHandled + poisonHandled;
    },
    async drain() {
      let total = 0;
      for (let round = 0; round < 1000; round++) {
        const handled = await harness.pumpOnce();
        if (handled === 0) return total;
        total += handled;
      }
      throw new Error("the queues did not drain in 1000 polls");
    },
    setClockOffset(ms) {
      clockOffset = ms;
    },
    breakConsumer(reason) {
      broken = reason;
    },
    close: async () => {
      await Promise.all([emulator.close(), azurite.close()]);
    },
  };
  return harness;
}
