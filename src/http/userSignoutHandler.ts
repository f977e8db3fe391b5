import { setMaxListeners } from "node:events";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { ConfigurationError } from "../config/configurationError";
import { toFieldErrors } from "./fieldErrors";
import type { SignOutReport } from "../engine/signOutReport";
import { signOutRequestSchemaFor } from "./signOutRequestSchemaFor";
import { deadlineSignal } from "../base/clock";
import type { Result } from "../base/result";
import {
  badBodyResponse,
  callerNotAuthorizedResponse,
  configurationErrorResponse,
  internalErrorResponse,
  reportResponse,
  validationFailedResponse,
} from "./httpResponses";
import { readClientPrincipal } from "./readClientPrincipal";
import { maxAsyncBodyBytes, readJsonBody } from "./readJsonBody";
import type { UserSignoutRuntime } from "./userSignoutRuntime";
import { acceptAsyncSignOut, prefersRespondAsync, type AsyncDependencies } from "./acceptAsyncSignOut";
import { jobStorageFor } from "../jobs/jobStorageFor";

export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export interface UserSignoutHandlerDependencies {
  readonly loadRuntime: () => Result<UserSignoutRuntime, ConfigurationError>;
  /** Asynchronous requests: where they are queued (default: `AzureWebJobsStorage`) and the clock. */
  readonly async?: Partial<AsyncDependencies>;
}

/** Authorize, parse, call the engine, map to a response: nothing else happens here. */
export function createUserSignoutHandler(dependencies: UserSignoutHandlerDependencies): HttpHandler {
  return async (request, context) => {
    const operationId = context.invocationId;
    try {
      const runtime = dependencies.loadRuntime();
      if (!runtime.ok) {
        context.error(JSON.stringify({ event: "userSignout.configurationError", operationId, ...runtime.error }));
        return configurationErrorResponse(runtime.error, operationId);
      }
      const { config, signOut } = runtime.value;
      const caller = readClientPrincipal(request, config.authEnabled);
      if (config.requiredCallerRole !== undefined && !caller?.roles.includes(config.requiredCallerRole)) {
        context.warn(
          JSON.stringify({
            event: "userSignout.callerNotAuthorized",
            operationId,
            callerName: caller?.name,
            callerObjectId: caller?.objectId,
          }),
        );
        return callerNotAuthorizedResponse(config.requiredCallerRole, caller !== undefined, operationId);
      }
      // The larger body limit needs the header: it must be known before the body is read.
      const preferAsync = prefersRespondAsync(request);
      const body = await readJsonBody(request, preferAsync ? maxAsyncBodyBytes : undefined);
      if (!body.ok) {
        logRejection(context, operationId, body.error.code, []);
        return badBodyResponse(body.error, operationId);
      }
      const isAsync = preferAsync || (isObject(body.value) && body.value.async === true);
      const input = signOutRequestSchemaFor(config, isAsync).safeParse(body.value);
      if (!input.success) {
        const details = toFieldErrors(input.error);
        logRejection(
          context,
          operationId,
          "ValidationError",
          details.map((detail) => detail.field),
        );
        return validationFailedResponse(details, operationId);
      }

      const parsed = input.data;
      if (isAsync) {
        return await acceptAsyncSignOut(
          request,
          context,
          { config, parsed, caller },
          { storageFor: dependencies.async?.storageFor ?? jobStorageFor, now: dependencies.async?.now ?? Date.now },
        );
      }
      const userPrincipalNames = parsed.userPrincipalNames ?? [parsed.userPrincipalName!];
      const deadline = deadlineSignal(runtime.value.clock, config.deadlineMs);
      // Every in-flight SDK call listens on the deadline; hundreds at once are expected, not a leak.
      setMaxListeners(0, deadline.signal);
      const report = await signOut(
        {
          operationId,
          userPrincipalNames,
          batch: parsed.userPrincipalNames !== undefined,
          mode: parsed.mode ?? "logoff",
          dryRun: parsed.dryRun,
          notify: parsed.notify,
          gracePeriodMs: (parsed.gracePeriodSeconds ?? 0) * 1000,
          subscriptionIds: parsed.subscriptionIds ?? config.subscriptionIds,
          hostPools: parsed.hostPools,
          audit: { requestedBy: parsed.requestedBy, reason: parsed.reason, caller },
        },
        { abortSignal: deadline.signal },
      ).finally(() => deadline.dispose());
      logReport(context, report);
      return reportResponse(report);
    } catch (error) {
      // Only a fault in our own code lands here; its details stay in the log.
      context.error(JSON.stringify({ event: "userSignout.internalError", operationId, error: String(error) }));
      return internalErrorResponse(operationId);
    }
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The summary line of a request that never reached Azure; field names only, never their values. */
function logRejection(context: InvocationContext, operationId: string, code: string, fields: readonly string[]): void {
  context.info(JSON.stringify({ event: "userSignout.rejected", operationId, code, fields }));
}

function logReport(context: InvocationContext, report: SignOutReport): void {
  for (const error of report.errors) {
    context.warn(JSON.stringify({ event: "userSignout.failure", operationId: report.operationId, ...error }));
  }
  for (const session of report.sessions) {
    if (session.notification !== "failed") continue;
    context.warn(
      JSON.stringify({
        event: "userSignout.notifyFailure",
        operationId: report.operationId,
        hostPool: session.hostPool,
        sessionHost: session.sessionHost,
        sessionId: session.sessionId,
        ...session.notificationError,
      }),
    );
  }
  context.info(
    JSON.stringify({
      event: "userSignout.summary",
      operationId: report.operationId,
      userPrincipalName: report.userPrincipalName,
      userPrincipalNames: report.userPrincipalNames,
      mode: report.mode,
      dryRun: report.dryRun,
      status: report.status,
      durationMs: report.durationMs,
      strategy: report.strategy,
      requestedBy: report.requestedBy,
      reason: report.reason,
      callerName: report.caller?.name,
      callerObjectId: report.caller?.objectId,
      ...report.counts,
      notifications: report.notifications,
      errors: report.errors.length,
    }),
  );
}
