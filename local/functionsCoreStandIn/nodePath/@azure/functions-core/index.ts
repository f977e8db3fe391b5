// Resolved through NODE_PATH by the library's `require('@azure/functions-core')`: one instance,
// shared with the host, which imports ../../../coreApi directly.
export * from "../../../coreApi";
