import type {
  Disposable,
  FunctionCallback,
  FunctionMetadata,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from "./coreTypes";

export interface RegisteredFunction {
  readonly metadata: FunctionMetadata;
  readonly callback: FunctionCallback;
}

type LogSink = (level: RpcLogLevel, category: RpcLogCategory, message: string) => void;

const registered = new Map<string, RegisteredFunction>();
let programmingModel: ProgrammingModel | undefined;
let logSink: LogSink = (level, category, message) => console.log(`[${level}] (${category}) ${message}`);
let loading = true;

/**
 * The module `@azure/functions` finds as `require('@azure/functions-core')` when the local host runs
 * it (see ./nodePath): the calls the library makes into the worker, recorded for the host.
 */
export function registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
  // The worker refuses registrations once the app has loaded, and duplicate names; so do we.
  if (!loading) throw new Error(`function "${metadata.name}" registered after the app finished loading`);
  if (registered.has(metadata.name)) throw new Error(`a function named "${metadata.name}" is already registered`);
  registered.set(metadata.name, { metadata, callback });
  return { dispose: () => registered.delete(metadata.name) };
}

export function setProgrammingModel(model: ProgrammingModel): void {
  programmingModel = model;
}

export function getProgrammingModel(): ProgrammingModel | undefined {
  return programmingModel;
}

export function registerHook(hookName: string, _callback: unknown): Disposable {
  // The app registers none; running hooks faithfully (contexts, hook data) is not worth guessing.
  logSink("warning", "system", `the local host does not run "${hookName}" hooks`);
  return { dispose: () => undefined };
}

export function log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
  logSink(level, category, message);
}

/** Host side: where library and worker log lines go. */
export function setLogSink(sink: LogSink): void {
  logSink = sink;
}

/** Host side: what the app registered while it loaded; closes registration, as the worker does. */
export function finishLoading(): readonly RegisteredFunction[] {
  loading = false;
  return [...registered.values()];
}
