import path from "node:path";
import tls from "node:tls";
import { loadFunctionApp } from "../local/loadFunctionApp";
import { invokeRegisteredFunction } from "../local/invokeRegisteredFunction";
import type {
  FunctionAnswer,
  SignOutMeasurement,
  StormMeasurement,
  WorkerMemory,
  WorkerMessage,
  WorkerRequest,
} from "./functionWorkerProtocol";

/**
 * A stand-in for one Functions instance: loads the built app exactly as the host does (through the
 * `@azure/functions-core` stand-in on NODE_PATH, set by startFunctionWorker; settings
 * from this process's environment, the emulator's CA through NODE_EXTRA_CA_CERTS), then serves
 * sign-out requests sent over IPC through the registered handler, timing each one, or a storm of
 * them at once.
 */
let tlsConnections = 0;
const connect = tls.connect;
// Counting only: every call still goes to the real tls.connect.
tls.connect = function countedConnect(this: unknown, ...args: unknown[]) {
  tlsConnections++;
  return (connect as (...a: unknown[]) => tls.TLSSocket).apply(this, args);
};

function send(message: WorkerMessage): void {
  process.send?.(message);
}

// BENCH_APP_ROOT: another build of the app (e.g. a baseline), measured side by side with this one.
const projectRoot = process.env.BENCH_APP_ROOT ?? path.resolve(__dirname, "..", "..");
const loadStartedMs = performance.now();
const loaded = loadFunctionApp(projectRoot);

let invocation = 0;

function memory(): WorkerMemory {
  return { maxRssBytes: process.resourceUsage().maxRSS * 1024, heapUsedBytes: process.memoryUsage().heapUsed };
}

/** One POST to the function with this JSON body, through the library's invocation model. */
async function invoke(body: string): Promise<FunctionAnswer> {
  invocation++;
  const app = await loaded;
  const userSignout = app.functions.find((fn) => fn.metadata.name === "userSignout");
  if (userSignout === undefined) throw new Error("the built app registers no userSignout function");
  const startedMs = performance.now();
  // As the worker runs it: the response comes back as RPC HTTP data.
  const result = await invokeRegisteredFunction(
    app.programmingModel,
    userSignout,
    {
      invocationId: `bench-${process.pid}-${invocation}`,
      triggerData: {
        http: {
          method: "POST",
          url: "http://localhost:7071/api/avd/user-signout",
          headers: { "content-type": "application/json" },
          body: { string: body },
        },
      },
    },
    () => undefined,
  );
  const wallMs = performance.now() - startedMs;
  const http = result.returnValue?.http;
  const bodyBytes = http?.body?.bytes;
  const report = (
    bodyBytes && bodyBytes.byteLength > 0 ? JSON.parse(Buffer.from(bodyBytes).toString("utf8")) : undefined
  ) as
    | {
        status?: string;
        counts?: Record<string, number>;
        errors?: { code?: string; statusCode?: number; scope?: string }[];
      }
    | undefined;
  return {
    wallMs,
    httpStatus: Number(http?.statusCode ?? "200"),
    reportStatus: report?.status,
    counts: report?.counts,
    errors: (report?.errors ?? []).map(({ code, statusCode, scope }) => ({ code, statusCode, scope })),
  };
}

async function signOut(
  requestId: number,
  userPrincipalName: string,
  verify: boolean | undefined,
): Promise<SignOutMeasurement> {
  await loaded;
  const connectionsBefore = tlsConnections;
  const cpuBefore = process.cpuUsage();
  const answer = await invoke(JSON.stringify({ userPrincipalName, ...(verify === undefined ? {} : { verify }) }));
  const cpu = process.cpuUsage(cpuBefore);
  return {
    type: "signOutDone",
    requestId,
    ...answer,
    newTlsConnections: tlsConnections - connectionsBefore,
    cpuMs: (cpu.user + cpu.system) / 1000,
    memory: memory(),
  };
}

/** Every request starts in the same tick, as a storm of calls reaches one warm instance. */
async function storm(requestId: number, bodies: readonly string[]): Promise<StormMeasurement> {
  await loaded;
  const connectionsBefore = tlsConnections;
  const cpuBefore = process.cpuUsage();
  const startedMs = performance.now();
  const answers = await Promise.all(bodies.map(invoke));
  const wallMs = performance.now() - startedMs;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    type: "stormDone",
    requestId,
    wallMs,
    answers,
    newTlsConnections: tlsConnections - connectionsBefore,
    cpuMs: (cpu.user + cpu.system) / 1000,
    memory: memory(),
  };
}

process.on("message", (message: WorkerRequest) => {
  const done =
    message.type === "storm"
      ? storm(message.requestId, message.bodies)
      : signOut(message.requestId, message.userPrincipalName, message.verify);
  done.then(send, (error: unknown) => send({ type: "fault", message: String(error) }));
});
process.on("disconnect", () => process.exit(0));
loaded.then(
  (app) =>
    send({
      type: "ready",
      loadMs: performance.now() - loadStartedMs,
      functions: app.functions.map((fn) => fn.metadata.name),
    }),
  (error: unknown) => {
    send({ type: "fault", message: String(error) });
    process.exit(1);
  },
);
