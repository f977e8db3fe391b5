import type { ConfigurationError } from "../config/configurationError";
import type { Result } from "../base/result";
import { buildOperationReport, describeProgress } from "../jobs/aggregateOperation";
import { operationIdPattern } from "../jobs/jobMessage";
import { createOperationStore } from "../jobs/operationStore";
import { statusTokenMatches } from "../jobs/operationToken";
import {
  configurationErrorResponse,
  operationAcceptedResponse,
  operationNotFoundResponse,
  operationReportResponse,
} from "./httpResponses";
import type { AsyncRuntime } from "./acceptAsyncSignOut";
import type { OperationProgressBody, OperationReportBody } from "./operationBodies";
import { retryAfterSeconds } from "./statusUrl";
import { withRuntime, type HttpHandler } from "./withRuntime";

/**
 * GET /api/avd/user-signout/operations/{operationId}?token=…: 202 with progress while work remains,
 * then the final report under the synchronous status policy (200, 502, 504). The token is the only
 * credential: an unknown id, a wrong token and an expired record all answer the same 404.
 */
export function createOperationStatusHandler(loadRuntime: () => Result<AsyncRuntime, ConfigurationError>): HttpHandler {
  return withRuntime("userSignoutOperation", loadRuntime, async (runtime, request, context) => {
    const invocationId = context.invocationId;
    const operationId = request.params.operationId ?? "";
    const token = request.query.get("token");
    if (!operationIdPattern.test(operationId) || token === null) return operationNotFoundResponse(invocationId);
    const storage = runtime.storage();
    if (!storage.ok) {
      context.error(
        JSON.stringify({ event: "userSignoutOperation.configurationError", invocationId, ...storage.error }),
      );
      return configurationErrorResponse(storage.error, invocationId);
    }
    const store = createOperationStore(storage.value.table);
    const stored = await readIfTableExists(() => store.readOperation(operationId));
    const at = runtime.clock.now();
    if (stored === undefined || !statusTokenMatches(token, stored.summary.value.tokenHash)) {
      return operationNotFoundResponse(invocationId);
    }
    const summary = stored.summary.value;
    if (at >= summary.expiresAt) {
      await store.delete(operationId);
      return operationNotFoundResponse(invocationId);
    }
    const statusUrl = request.url;
    if (summary.status === "running" && at < summary.deadlineAt) {
      const progress = describeProgress(summary, stored.chunks, at);
      const body: OperationProgressBody = {
        operationId,
        status: "running",
        ...progress,
        statusUrl,
        createdAt: new Date(summary.createdAt).toISOString(),
        expiresAt: new Date(summary.expiresAt).toISOString(),
      };
      const waitingUntil = progress.waitingUntil === undefined ? undefined : Date.parse(progress.waitingUntil);
      return operationAcceptedResponse(statusUrl, retryAfterSeconds(waitingUntil, at), body, false);
    }
    const report = buildOperationReport(summary, stored.chunks, at);
    const body: OperationReportBody = {
      ...report,
      operation: {
        operationId,
        status: report.status,
        createdAt: new Date(summary.createdAt).toISOString(),
        ...(summary.completedAt === undefined ? {} : { completedAt: new Date(summary.completedAt).toISOString() }),
        expiresAt: new Date(summary.expiresAt).toISOString(),
        failures: [...summary.failures],
      },
    };
    return operationReportResponse(body);
  });
}

/** Before the first asynchronous request the table may not exist yet: nothing to find, not a fault. */
async function readIfTableExists<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}
