import { randomUUID } from "node:crypto";
import type { RegisteredFunction } from "./functionsCoreStandIn/coreApi";
import type {
  ProgrammingModel,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
  RpcTypedData,
} from "./functionsCoreStandIn/coreTypes";

export interface Invocation {
  /** The trigger's input, keyed by the trigger binding's name by this function. */
  readonly triggerData: RpcTypedData;
  readonly triggerMetadata?: Readonly<Record<string, RpcTypedData>>;
  readonly invocationId?: string;
}

export type InvocationLog = (
  invocationId: string,
  level: RpcLogLevel,
  category: RpcLogCategory,
  message: string,
) => void;

export function triggerBindingName(fn: RegisteredFunction): string {
  const entry = Object.entries(fn.metadata.bindings).find(([, binding]) => /trigger$/i.test(binding.type ?? ""));
  if (entry === undefined) throw new Error(`function "${fn.metadata.name}" has no trigger binding`);
  return entry[0];
}

/**
 * Runs one invocation the way the worker does: the library's own invocation model turns the RPC
 * input into real `HttpRequest` / `InvocationContext` objects, calls the handler, and converts the
 * result back. Throws what the handler throws.
 */
export async function invokeRegisteredFunction(
  programmingModel: ProgrammingModel,
  fn: RegisteredFunction,
  invocation: Invocation,
  log: InvocationLog,
): Promise<RpcInvocationResponse> {
  const invocationId = invocation.invocationId ?? randomUUID();
  const coreContext = {
    invocationId,
    metadata: fn.metadata,
    request: {
      invocationId,
      functionId: fn.metadata.name,
      inputData: [{ name: triggerBindingName(fn), data: invocation.triggerData }],
      triggerMetadata: invocation.triggerMetadata ?? {},
    },
    state: "invocation" as const,
    log: (level: RpcLogLevel, category: RpcLogCategory, message: string) => log(invocationId, level, category, message),
  };
  const model = programmingModel.getInvocationModel(coreContext);
  const { context, inputs } = await model.getArguments();
  const result = await model.invokeFunction(context, inputs, fn.callback);
  return model.getResponse(context, result);
}
