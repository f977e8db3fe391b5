import { type JobRuntime, acceptSignOutJob, jobSpecOf } from "../jobs";
import type { ConfigurationError } from "../config/configurationError";
import { logEvent } from "../base/logEvents";
import { msToSeconds } from "../base/duration";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { countSessions } from "../engine/report";
import type { SignOutOrder } from "../engine/signOutOrder";
import { notifiesFirst } from "../engine/stagePlan";
import { configurationErrorResponse, operationAcceptedResponse, serviceUnavailableResponse } from "./httpResponses";
import type { OperationProgressBody } from "./operationBodies";
import { retryAfterSeconds, statusUrlFor, storageRetryAfterSeconds } from "./statusUrl";

/** What accepting needs of the instance's runtime. */
export type AsyncRuntime = Omit<JobRuntime, "signOut">;

/** `Prefer: respond-async` (RFC 7240), among any other preferences the header lists. */
export function prefersRespondAsync(request: HttpRequest): boolean {
  const header = request.headers.get("prefer");
  if (header === null) return false;
  return header.split(",").some((preference) => preference.split(";")[0]?.trim().toLowerCase() === "respond-async");
}

/**
 * The request passed every check a synchronous one does; record it, queue it, answer 202 with the
 * status URL. Nothing reaches Azure Resource Manager from here.
 */
export async function acceptAsyncSignOut(
  request: HttpRequest,
  context: InvocationContext,
  runtime: AsyncRuntime,
  order: SignOutOrder,
): Promise<HttpResponseInit> {
  const refuse = (error: ConfigurationError): HttpResponseInit => {
    logEvent(context, "error", {
      event: "userSignout.configurationError",
      invocationId: context.invocationId,
      ...error,
    });
    return configurationErrorResponse(error, context.invocationId);
  };
  // Checked here as well as by storage(), so the settings below are known to be the app's.
  const settings = runtime.config.async;
  if (!settings.ok) return refuse(settings.error);
  const storage = runtime.storage();
  if (!storage.ok) return refuse(storage.error);
  const { users } = order;
  const accepted = await acceptSignOutJob(
    storage.value,
    { users, spec: jobSpecOf(order) },
    {
      operationRetentionMs: settings.value.operationRetentionMs,
      jobDeadlineMs: settings.value.jobDeadlineMs,
      now: () => runtime.clock.now(),
    },
  );
  if (!accepted.ok) {
    logEvent(context, "warn", {
      event: "userSignout.notAccepted",
      invocationId: context.invocationId,
      code: accepted.error.code,
      error: String(accepted.error.cause),
    });
    return serviceUnavailableResponse(
      accepted.error.code,
      accepted.error.message,
      storageRetryAfterSeconds,
      context.invocationId,
    );
  }
  const statusUrl = statusUrlFor(request.url, accepted.value.operationId, accepted.value.token);
  const body: OperationProgressBody = {
    operationId: accepted.value.operationId,
    status: "running",
    phase: notifiesFirst(order) ? "notifying" : "queued",
    statusUrl,
    createdAt: new Date(accepted.value.createdAt).toISOString(),
    expiresAt: new Date(accepted.value.expiresAt).toISOString(),
    users: users.length,
    chunks: { total: accepted.value.chunks, queued: accepted.value.chunks, notified: 0, done: 0, failed: 0 },
    counts: countSessions(order.mode, []),
  };
  // The token is a credential: it appears in the response only, never in a log line.
  logEvent(context, "info", {
    event: "userSignout.accepted",
    invocationId: context.invocationId,
    operationId: accepted.value.operationId,
    users: users.length,
    chunks: accepted.value.chunks,
    mode: order.mode,
    dryRun: order.dryRun,
    gracePeriodSeconds: msToSeconds(order.gracePeriodMs),
    requestedBy: order.audit?.requestedBy,
    reason: order.audit?.reason,
    callerName: order.audit?.caller?.name,
    callerObjectId: order.audit?.caller?.objectId,
  });
  return operationAcceptedResponse(statusUrl, retryAfterSeconds(undefined, 0), body, prefersRespondAsync(request));
}
