import type { FunctionMetadata, RpcBindingInfo } from "../../local/functionsCoreStandIn/coreTypes";

/** The trigger binding of a function's metadata, as the host receives it from the library. */
export function triggerOf(metadata: FunctionMetadata): RpcBindingInfo {
  const trigger = Object.values(metadata.bindings).find((binding) => /trigger$/i.test(binding.type ?? ""));
  if (trigger === undefined) throw new Error(`${metadata.name} has no trigger binding`);
  return trigger;
}
