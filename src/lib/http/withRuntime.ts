import { logEvent, type HttpFunctionName } from "../base/logEvents";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { Result } from "../base/result";
import type { ConfigurationError } from "../config/configurationError";
import { configurationErrorResponse, internalErrorResponse } from "./httpResponses";

export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export type RuntimeHttpHandler<TRuntime> = (
  runtime: TRuntime,
  request: HttpRequest,
  context: InvocationContext,
) => Promise<HttpResponseInit>;

/**
 * The one place an HTTP function loads the instance's runtime and the one place a throw becomes
 * HTTP: a configuration fault answers 500 naming the setting, a fault in our own code a bare 500
 * whose details stay in the log. Handlers are then only their happy path.
 */
export function withRuntime<TRuntime>(
  functionName: HttpFunctionName,
  loadRuntime: () => Result<TRuntime, ConfigurationError>,
  handle: RuntimeHttpHandler<TRuntime>,
): HttpHandler {
  return async (request, context) => {
    const invocationId = context.invocationId;
    try {
      const runtime = loadRuntime();
      if (!runtime.ok) {
        logEvent(context, "error", {
          event: `${functionName}.configurationError`,
          invocationId,
          ...runtime.error,
        });
        return configurationErrorResponse(runtime.error, invocationId);
      }
      return await handle(runtime.value, request, context);
    } catch (error) {
      logEvent(context, "error", {
        event: `${functionName}.internalError`,
        invocationId,
        error: String(error),
      });
      return internalErrorResponse(invocationId);
    }
  };
}
