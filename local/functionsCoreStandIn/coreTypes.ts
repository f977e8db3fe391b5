/**
 * The part of the worker's `@azure/functions-core` contract the library uses (its types ship with
 * the worker, not with `@azure/functions`), written out for the stand-in.
 */
export interface RpcBindingInfo {
  readonly type?: string;
  readonly direction?: "in" | "out" | "inout";
  readonly [property: string]: unknown;
}

export interface FunctionMetadata {
  readonly name: string;
  readonly bindings: Readonly<Record<string, RpcBindingInfo>>;
  readonly retryOptions?: unknown;
}

export interface RpcHttpData {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  params?: Record<string, string>;
  body?: RpcTypedData | null;
  statusCode?: string;
  cookies?: unknown[];
}

export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  int?: number | null;
  http?: RpcHttpData | null;
}

export interface RpcParameterBinding {
  readonly name: string;
  readonly data: RpcTypedData;
}

export interface RpcInvocationRequest {
  readonly invocationId: string;
  readonly functionId: string;
  readonly inputData: readonly RpcParameterBinding[];
  readonly triggerMetadata: Readonly<Record<string, RpcTypedData>>;
}

export interface RpcInvocationResponse {
  readonly invocationId?: string;
  readonly returnValue?: RpcTypedData | null;
  readonly outputData?: readonly RpcParameterBinding[];
}

export type RpcLogLevel = "trace" | "debug" | "information" | "warning" | "error" | "critical" | "none";
export type RpcLogCategory = "user" | "system" | "customMetric";

export interface CoreInvocationContext {
  readonly invocationId: string;
  readonly request: RpcInvocationRequest;
  readonly metadata: FunctionMetadata;
  state?: "preInvocationHooks" | "postInvocationHooks" | "invocation";
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface ProgrammingModel {
  readonly name: string;
  readonly version: string;
  getInvocationModel(coreContext: CoreInvocationContext): InvocationModel;
  getCapabilities(capabilities: Record<string, string>): Promise<Record<string, string>>;
}

export interface Disposable {
  dispose(): void;
}
