import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { AppConfig } from "../config/appConfig";
import type { ConfigurationError } from "../config/configurationError";
import type { Result } from "../base/result";
import type { Caller } from "../engine/signOutReport";
import { acceptSignOutJob } from "../jobs/acceptSignOutJob";
import type { JobStorage } from "../jobs/jobStorage";
import { configurationErrorResponse, operationAcceptedResponse } from "./httpResponses";
import type { OperationProgressBody } from "./operationBodies";
import type { SignOutRequest } from "./signOutRequest";
import { retryAfterSeconds, statusUrlFor } from "./statusUrl";

export interface AsyncDependencies {
  readonly storageFor: (config: AppConfig) => Result<JobStorage, ConfigurationError>;
  readonly now: () => number;
}

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
  input: { readonly config: AppConfig; readonly parsed: SignOutRequest; readonly caller: Caller | undefined },
  dependencies: AsyncDependencies,
): Promise<HttpResponseInit> {
  const { config, parsed, caller } = input;
  const storage = dependencies.storageFor(config);
  if (!storage.ok) {
    context.error(
      JSON.stringify({ event: "userSignout.configurationError", operationId: context.invocationId, ...storage.error }),
    );
    return configurationErrorResponse(storage.error, context.invocationId);
  }
  const userPrincipalNames = parsed.userPrincipalNames ?? [parsed.userPrincipalName!];
  const accepted = await acceptSignOutJob(
    storage.value,
    {
      userPrincipalNames,
      spec: {
        batch: parsed.userPrincipalNames !== undefined,
        mode: parsed.mode ?? "logoff",
        dryRun: parsed.dryRun,
        notify: parsed.notify,
        gracePeriodSeconds: parsed.gracePeriodSeconds ?? 0,
        subscriptionIds: parsed.subscriptionIds ?? config.subscriptionIds,
        hostPools: parsed.hostPools,
        audit: { requestedBy: parsed.requestedBy, reason: parsed.reason, caller },
      },
    },
    { operationRetentionMs: config.operationRetentionMs, jobDeadlineMs: config.jobDeadlineMs, now: dependencies.now },
  );
  const statusUrl = statusUrlFor(request.url, accepted.operationId, accepted.token);
  const body: OperationProgressBody = {
    operationId: accepted.operationId,
    status: "running",
    phase:
      parsed.notify !== undefined && (parsed.gracePeriodSeconds ?? 0) > 0 && !parsed.dryRun ? "notifying" : "queued",
    statusUrl,
    createdAt: new Date(accepted.createdAt).toISOString(),
    expiresAt: new Date(accepted.expiresAt).toISOString(),
    users: userPrincipalNames.length,
    chunks: { total: accepted.chunks, queued: accepted.chunks, notified: 0, done: 0, failed: 0 },
    counts: {
      sessionsFound: 0,
      signedOut: 0,
      alreadyGone: 0,
      wouldSignOut: 0,
      failed: 0,
      deadlineExceeded: 0,
    },
  };
  // The token is a credential: it appears in the response only, never in a log line.
  context.info(
    JSON.stringify({
      event: "userSignout.accepted",
      invocationId: context.invocationId,
      operationId: accepted.operationId,
      users: userPrincipalNames.length,
      chunks: accepted.chunks,
      mode: parsed.mode ?? "logoff",
      dryRun: parsed.dryRun,
      gracePeriodSeconds: parsed.gracePeriodSeconds ?? 0,
      requestedBy: parsed.requestedBy,
      reason: parsed.reason,
      callerName: caller?.name,
      callerObjectId: caller?.objectId,
    }),
  );
  return operationAcceptedResponse(statusUrl, retryAfterSeconds(undefined, 0), body, prefersRespondAsync(request));
}
