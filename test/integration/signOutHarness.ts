import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import type { Scenario } from "../../emulator/scenario";
import { createOpenApiHandler } from "../../src/lib/http/openApiHandler";
import { createUserSignoutHandler } from "../../src/lib/http/userSignoutHandler";
import type { HttpHandler } from "../../src/lib/http/withRuntime";
import { createRuntimeLoader, type AppRuntime } from "../../src/lib/app/createRuntimeLoader";
import type { Clock } from "../../src/lib/base/clock";
import type { SignOutReport } from "../../src/lib/engine/report/signOutReport";

export interface CallResult {
  readonly status: number;
  readonly body: SignOutReport & { error?: { code: string; message: string; setting?: string } };
  readonly logs: readonly string[];
}

export interface SignOutHarness {
  readonly emulator: RunningEmulator;
  /**
   * The real handler wired to the emulator through the settings it reads in Azure. The app retries
   * a failing call until the request's deadline; `retries` caps that for a test of a fault that
   * never ends, which would otherwise retry for half a minute, paced by the instance's read budget.
   */
  handler(settings?: Record<string, string>, clock?: Clock, retries?: RetryCap): HttpHandler;
  /** The real handler on a runtime the test holds (to watch its ARM budget). */
  handlerFor(runtime: AppRuntime): HttpHandler;
  /** The instance's runtime itself, to drive the engine with signals a test controls. */
  runtime(settings?: Record<string, string>, clock?: Clock): AppRuntime;
  /** GET /api/openapi.json, wired the same way. */
  openApiHandler(settings?: Record<string, string>): HttpHandler;
  post(handler: HttpHandler, body: unknown, headers?: Record<string, string>): Promise<CallResult>;
  get(handler: HttpHandler): Promise<{ readonly status: number; readonly body: unknown }>;
  /** Existing sessions as `subscription/hostPool/sessionHost/id upn`, sorted. */
  remaining(): string[];
  close(): Promise<void>;
}

export interface RetryCap {
  readonly maxRetries: number;
}

let invocation = 0;

/** `now`: the emulator's clock (token expiry, listing lag), for tests that move time with the app's clock. */
export async function startSignOutHarness(
  scenario: Scenario,
  options: { readonly now?: () => number } = {},
): Promise<SignOutHarness> {
  const emulator = await startEmulator({ scenario, ...(options.now === undefined ? {} : { now: options.now }) });
  // The identity library reads these from the process environment, exactly as in App Service.
  process.env.IDENTITY_ENDPOINT = emulator.identityEndpoint;
  process.env.IDENTITY_HEADER = emulator.identityHeader;
  const runtimeLoader = (settings: Record<string, string>, clock?: Clock, retries?: RetryCap) =>
    createRuntimeLoader({
      ...(clock === undefined ? {} : { clock }),
      environment: {
        IDENTITY_ENDPOINT: emulator.identityEndpoint,
        IDENTITY_HEADER: emulator.identityHeader,
        AVD_SUBSCRIPTION_IDS: scenarioSubscriptionIds(scenario).join(","),
        AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.armEndpoint,
        ...settings,
      },
      // Trust the emulator's certificate for these clients only; 5xx back-off shortened so
      // that tests of persistent failures stay fast (Retry-After is still honoured as sent).
      armPipelineOptions: {
        tlsOptions: { ca: emulator.caCertificatePem },
        retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 40, ...retries },
      },
    });
  return {
    emulator,
    runtime(settings = {}, clock) {
      const runtime = runtimeLoader(settings, clock)();
      if (!runtime.ok) throw new Error(runtime.error.message);
      return runtime.value;
    },
    handler(settings = {}, clock, retries) {
      return createUserSignoutHandler(runtimeLoader(settings, clock, retries));
    },
    handlerFor(runtime) {
      return createUserSignoutHandler(() => ({ ok: true, value: runtime }));
    },
    openApiHandler(settings = {}) {
      return createOpenApiHandler(runtimeLoader(settings));
    },
    async get(handler) {
      const response = await handler(
        new HttpRequest({ method: "GET", url: "https://avd-signout.example.net/api/openapi.json" }),
        new InvocationContext({ invocationId: `test-invocation-${++invocation}`, functionName: "openApi" }),
      );
      return { status: response.status ?? 200, body: response.jsonBody };
    },
    async post(handler, body, headers = {}) {
      const logs: string[] = [];
      invocation++;
      const response: HttpResponseInit = await handler(
        new HttpRequest({
          method: "POST",
          url: "http://localhost:7071/api/avd/user-signout",
          headers: { "content-type": "application/json", ...headers },
          body: { string: typeof body === "string" ? body : JSON.stringify(body) },
        }),
        new InvocationContext({
          invocationId: `test-invocation-${invocation}`,
          functionName: "userSignout",
          logHandler: (level, ...args) => logs.push(`${level} ${args.map(String).join(" ")}`),
        }),
      );
      return { status: response.status ?? 200, body: response.jsonBody as CallResult["body"], logs };
    },
    remaining() {
      return emulator
        .sessions()
        .map(
          (s) => `${s.subscriptionId.slice(0, 8)}/${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.userPrincipalName}`,
        )
        .sort();
    },
    close: () => emulator.close(),
  };
}

export function scenarioSubscriptionIds(scenario: Scenario): string[] {
  return scenario.subscriptions.map((subscription) => subscription.id);
}
