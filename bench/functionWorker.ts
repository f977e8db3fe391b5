import path from "node:path";
import tls from "node:tls";
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { loadRegisteredHttpFunctions } from "../local/loadRegisteredHttpFunctions";
import type { SignOutMeasurement, WorkerMessage, WorkerRequest } from "./functionWorkerProtocol";

/**
 * A stand-in for one Functions instance: loads the built app exactly as the host does (settings
 * from this process's environment, the emulator's CA through NODE_EXTRA_CA_CERTS), then serves
 * sign-out requests sent over IPC through the registered handler, timing each one.
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

const projectRoot = path.resolve(__dirname, "..", "..");
const loadStartedMs = performance.now();
const registered = loadRegisteredHttpFunctions(projectRoot);
const loadMs = performance.now() - loadStartedMs;
const userSignout = registered.find((fn) => fn.name === "userSignout");
if (userSignout === undefined) {
  send({ type: "fault", message: "the built app registers no userSignout function" });
  process.exit(1);
}

let invocation = 0;

async function signOut(request: WorkerRequest): Promise<SignOutMeasurement> {
  invocation++;
  const httpRequest = new HttpRequest({
    method: "POST",
    url: "http://localhost:7071/api/avd/user-signout",
    headers: { "content-type": "application/json" },
    body: { string: JSON.stringify({ userPrincipalName: request.userPrincipalName }) },
  });
  const context = new InvocationContext({
    invocationId: `bench-${process.pid}-${invocation}`,
    functionName: "userSignout",
    logHandler: () => undefined,
  });
  const connectionsBefore = tlsConnections;
  const cpuBefore = process.cpuUsage();
  const startedMs = performance.now();
  // The handler returns an HttpResponseInit (jsonBody), never an HttpResponse.
  const response = (await userSignout!.handler(httpRequest, context)) as HttpResponseInit;
  const wallMs = performance.now() - startedMs;
  const cpu = process.cpuUsage(cpuBefore);
  const body = response.jsonBody as
    | {
        status?: string;
        counts?: Record<string, number>;
        errors?: { code?: string; statusCode?: number; scope?: string }[];
      }
    | undefined;
  return {
    type: "signOutDone",
    requestId: request.requestId,
    wallMs,
    httpStatus: response.status ?? 200,
    reportStatus: body?.status,
    counts: body?.counts,
    errors: (body?.errors ?? []).map(({ code, statusCode, scope }) => ({ code, statusCode, scope })),
    newTlsConnections: tlsConnections - connectionsBefore,
    cpuMs: (cpu.user + cpu.system) / 1000,
    memory: { maxRssBytes: process.resourceUsage().maxRSS * 1024, heapUsedBytes: process.memoryUsage().heapUsed },
  };
}

process.on("message", (message: WorkerRequest) => {
  signOut(message).then(send, (error: unknown) => send({ type: "fault", message: String(error) }));
});
process.on("disconnect", () => process.exit(0));
send({ type: "ready", loadMs, functions: registered.map((fn) => fn.name) });
