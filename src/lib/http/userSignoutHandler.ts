import { logEvent } from "../base/logEvents";
import type { InvocationContext } from "@azure/functions";
import type { ConfigurationError } from "../config/configurationError";
import { toFieldErrors } from "./fieldErrors";
import type { SignOutReport } from "../engine/report";
import type { SignOut } from "../engine/createSignOutEngine";
import { signOutRequestSchemaFor } from "./signOutRequestSchemaFor";
import type { SignOutRequest } from "./signOutRequest";
import { signOutWithin } from "../engine/signOutWithin";
import { isPlainObject } from "../base/isPlainObject";
import { findProtectedAccounts } from "../engine/findProtectedAccounts";
import type { Result } from "../base/result";
import {
  badBodyResponse,
  callerNotAuthorizedResponse,
  configurationErrorResponse,
  protectedAccountResponse,
  reportResponse,
  validationFailedResponse,
} from "./httpResponses";
import { readClientPrincipal } from "./readClientPrincipal";
import { maxAsyncBodyBytes, readJsonBody } from "./readJsonBody";
import { acceptAsyncSignOut, prefersRespondAsync, type AsyncRuntime } from "./acceptAsyncSignOut";
import { toSignOutOrder } from "./toSignOutOrder";
import { withRuntime, type HttpHandler } from "./withRuntime";

export interface UserSignoutRuntime extends AsyncRuntime {
  readonly signOut: SignOut;
}

/** Authorize, parse, call the engine, map to a response: nothing else happens here. */
export function createUserSignoutHandler(
  loadRuntime: () => Result<UserSignoutRuntime, ConfigurationError>,
): HttpHandler {
  return withRuntime("userSignout", loadRuntime, async (runtime, request, context) => {
    const operationId = context.invocationId;
    const { config, signOut } = runtime;
    const caller = readClientPrincipal(request, config.authEnabled);
    if (config.requiredCallerRole !== undefined && !caller?.roles.includes(config.requiredCallerRole)) {
      logEvent(context, "warn", {
        event: "userSignout.callerNotAuthorized",
        operationId,
        callerName: caller?.name,
        callerObjectId: caller?.objectId,
      });
      return callerNotAuthorizedResponse(config.requiredCallerRole, caller !== undefined, operationId);
    }
    // The larger body limit needs the header: it must be known before the body is read.
    const preferAsync = prefersRespondAsync(request);
    const body = await readJsonBody(request, preferAsync ? maxAsyncBodyBytes : undefined);
    if (!body.ok) {
      logRejection(context, operationId, body.error.code, []);
      return badBodyResponse(body.error, operationId);
    }
    const isAsync = preferAsync || (isPlainObject(body.value) && body.value.async === true);
    // Before the request schema, whose asynchronous limits come from these settings.
    if (isAsync && !config.async.ok) {
      logEvent(context, "error", {
        event: "userSignout.configurationError",
        invocationId: context.invocationId,
        ...config.async.error,
      });
      return configurationErrorResponse(config.async.error, operationId);
    }
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
    const order = toSignOutOrder(input.data, {
      operationId,
      configuredSubscriptionIds: config.subscriptionIds,
      caller,
      asynchronous: isAsync,
    });
    // Before the split, so that neither path can act on (or queue work for) a protected account.
    const protectedAccounts = findProtectedAccounts(order, config.protectedUsers);
    if (protectedAccounts.length > 0) {
      const named = protectedAccounts.flatMap(({ user, keys }) =>
        keys.map((key) => ({
          field: protectedField(input.data, key),
          account: (key === "objectId" ? user.objectId : user.userPrincipalName) ?? "",
        })),
      );
      logRejection(context, operationId, "ProtectedAccount", [...new Set(named.map((entry) => entry.field))]);
      logEvent(context, "warn", {
        event: "userSignout.protectedAccountRefused",
        operationId,
        protectedAccounts: named.map((entry) => entry.account),
        callerName: caller?.name,
        callerObjectId: caller?.objectId,
      });
      return protectedAccountResponse(named, operationId);
    }
    if (isAsync) return acceptAsyncSignOut(request, context, runtime, order);
    const report = await signOutWithin(signOut, order, { clock: runtime.clock, ms: config.deadlineMs });
    logReport(context, report);
    return reportResponse(report);
  });
}

/** The request field that named a protected account. */
function protectedField(request: SignOutRequest, key: "userPrincipalName" | "objectId"): string {
  if (request.users !== undefined) return "users";
  if (request.userPrincipalNames !== undefined) return "userPrincipalNames";
  return key === "objectId" ? "userObjectId" : "userPrincipalName";
}

/** The summary line of a request that never reached Azure; field names only, never their values. */
function logRejection(context: InvocationContext, operationId: string, code: string, fields: readonly string[]): void {
  logEvent(context, "info", { event: "userSignout.rejected", operationId, code, fields });
}

function logReport(context: InvocationContext, report: SignOutReport): void {
  for (const error of report.errors) {
    logEvent(context, "warn", { event: "userSignout.failure", operationId: report.operationId, ...error });
  }
  for (const session of report.sessions) {
    if (session.notification !== "failed") continue;
    logEvent(context, "warn", {
      event: "userSignout.notifyFailure",
      operationId: report.operationId,
      hostPool: session.hostPool,
      sessionHost: session.sessionHost,
      sessionId: session.sessionId,
      ...session.notificationError,
    });
  }
  logEvent(context, "info", {
    event: "userSignout.summary",
    operationId: report.operationId,
    userPrincipalName: report.userPrincipalName,
    userPrincipalNames: report.userPrincipalNames,
    userObjectId: report.userObjectId,
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
  });
}
