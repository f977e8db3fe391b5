import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { ConfigurationError } from "../lib/configurationError";
import { toFieldErrors } from "../lib/fieldErrors";
import { signOutRequestSchema } from "../lib/signOutRequest";
import type { SignOutReport } from "../lib/signOutReport";
import { signOutUser } from "../lib/signOutUser";
import type { Result } from "../lib/result";
import {
  badBodyResponse,
  configurationErrorResponse,
  internalErrorResponse,
  reportResponse,
  validationFailedResponse,
} from "./httpResponses";
import { readJsonBody } from "./readJsonBody";
import type { UserSignoutRuntime } from "./userSignoutRuntime";

export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export interface UserSignoutHandlerDependencies {
  readonly loadRuntime: () => Result<UserSignoutRuntime, ConfigurationError>;
  readonly now?: () => number;
}

/** Parse, call the engine, map to a response: nothing else happens here. */
export function createUserSignoutHandler(dependencies: UserSignoutHandlerDependencies): HttpHandler {
  const now = dependencies.now ?? Date.now;
  return async (request, context) => {
    const operationId = context.invocationId;
    try {
      const runtime = dependencies.loadRuntime();
      if (!runtime.ok) {
        context.error(JSON.stringify({ event: "userSignout.configurationError", operationId, ...runtime.error }));
        return configurationErrorResponse(runtime.error, operationId);
      }
      const body = await readJsonBody(request);
      if (!body.ok) return badBodyResponse(body.error, operationId);
      const input = signOutRequestSchema.safeParse(body.value);
      if (!input.success) return validationFailedResponse(toFieldErrors(input.error), operationId);

      const { config, clientFor } = runtime.value;
      const report = await signOutUser({
        userPrincipalName: input.data.userPrincipalName,
        dryRun: input.data.dryRun,
        subscriptionIds: config.subscriptionIds,
        clientFor,
        maxConcurrencyPerSubscription: config.maxConcurrencyPerSubscription,
        serverSideFilter: config.serverSideFilter,
        abortSignal: AbortSignal.timeout(config.deadlineMs),
        now,
        operationId,
      });
      logReport(context, report);
      return reportResponse(report);
    } catch (error) {
      // Only a fault in our own code lands here; its details stay in the log.
      context.error(JSON.stringify({ event: "userSignout.internalError", operationId, error: String(error) }));
      return internalErrorResponse(operationId);
    }
  };
}

function logReport(context: InvocationContext, report: SignOutReport): void {
  for (const error of report.errors) {
    context.warn(JSON.stringify({ event: "userSignout.failure", operationId: report.operationId, ...error }));
  }
  context.info(
    JSON.stringify({
      event: "userSignout.summary",
      operationId: report.operationId,
      userPrincipalName: report.userPrincipalName,
      dryRun: report.dryRun,
      status: report.status,
      durationMs: report.durationMs,
      ...report.counts,
      errors: report.errors.length,
    }),
  );
}
