import type { ChildProcess } from "node:child_process";
import { copyFileSync, renameSync } from "node:fs";
import path from "node:path";
import { forkFunctionsHost } from "../../local/forkFunctionsHost";
import type { QueueTriggerEvent } from "../../local/pollQueueTrigger";
import type { FixtureEvent } from "./fixtures/queueApp/functions/reportToTest";

/** How long a test waits for a host to do something before it fails, saying what it waited for. */
const waitLimitMs = 60_000;

/**
 * The fixture app (test/local/fixtures/queueApp) ready to load: its compiled functions with its
 * package.json and host.json beside them, as in a deployed app folder.
 */
export function fixtureAppRoot(): string {
  const compiled = path.join(__dirname, "fixtures", "queueApp");
  const source = path.resolve(__dirname, "..", "..", "..", "test", "local", "fixtures", "queueApp");
  // Test files run in parallel and start hosts that read these files: copy then rename, so that a
  // host never reads a half-written package.json.
  for (const file of ["package.json", "host.json"]) {
    const staged = path.join(compiled, `${file}.${process.pid}.tmp`);
    copyFileSync(path.join(source, file), staged);
    renameSync(staged, path.join(compiled, file));
  }
  return compiled;
}

export type HostMessage =
  { readonly queueEvent: QueueTriggerEvent } | FixtureEvent | { readonly ready: true; readonly port: number };

export interface LocalHostProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly functionKey: string;
  readonly messages: readonly HostMessage[];
  /** Resolves with the first message (already received or to come) that satisfies the predicate. */
  waitFor<T extends HostMessage>(description: string, predicate: (message: HostMessage) => message is T): Promise<T>;
  waitFor(description: string, predicate: (message: HostMessage) => boolean): Promise<HostMessage>;
  release(messageId: string): void;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function isQueueEvent<K extends QueueTriggerEvent["kind"]>(
  message: HostMessage,
  kind: K,
  queue: string,
): message is { queueEvent: Extract<QueueTriggerEvent, { kind: K }> } {
  return "queueEvent" in message && message.queueEvent.kind === kind && message.queueEvent.queue === queue;
}

export function isInvocation(message: HostMessage, functionName: string): message is FixtureEvent {
  return "fixture" in message && message.functionName === functionName;
}

/** The local functions host on the fixture app, as its own process (so it can be killed), on a free port. */
export async function startLocalHost(settings: Record<string, string>): Promise<LocalHostProcess> {
  const functionKey = "fixture-key";
  const child = forkFunctionsHost(
    {
      PATH: process.env.PATH,
      FUNCTIONS_APP_ROOT: fixtureAppRoot(),
      FUNCTIONS_KEY: functionKey,
      FUNCTIONS_HTTP_PORT: "0",
      ...settings,
    },
    { silent: true },
  );
  const messages: HostMessage[] = [];
  const waiters = new Set<() => void>();
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.on("message", (message: HostMessage) => {
    messages.push(message);
    for (const waiter of waiters) waiter();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  function waitFor(description: string, predicate: (message: HostMessage) => boolean): Promise<HostMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = messages.find(predicate);
        if (found === undefined) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`gave up waiting for ${description}; host output:\n${output}`));
      }, waitLimitMs);
      const onExit = () => {
        cleanup();
        reject(new Error(`the host exited while the test waited for ${description}:\n${output}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
        child.off("exit", onExit);
      };
      waiters.add(check);
      child.once("exit", onExit);
      check();
    });
  }
  const ready = (await waitFor("the host to be ready", (message) => "ready" in message)) as { port: number };
  return {
    child,
    url: `http://127.0.0.1:${ready.port}`,
    functionKey,
    messages,
    waitFor,
    release: (messageId) => child.send({ release: messageId }),
    // Tests end hosts abruptly: a graceful stop would wait for gated functions that were never released.
    kill: async (signal = "SIGKILL") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** A JSON message as the queue trigger expects it by default: base64. */
export function base64Json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64");
}
