import { logEvent } from "../base/logEvents";
import type { HttpRequest, InvocationContext, HttpResponseInit } from "@azure/functions";
import type { ConfigurationError } from "../config/configurationError";
import type { Result } from "../base/result";
import { operationIdPattern, readOperation, createTableOperationStore } from "../jobs";
import {
  configurationErrorResponse,
  operationAcceptedResponse,
  operationNotFoundResponse,
  operationPageResponse,
  operationReportResponse,
} from "./httpResponses";
import type { AsyncRuntime } from "./acceptAsyncSignOut";
import type { OperationProgressBody, OperationReportBody, OperationSessionsPageBody } from "./operationBodies";
import { retryAfterSeconds, storageRetryAfterSeconds } from "./statusUrl";
import { withRuntime, type HttpHandler } from "./withRuntime";

type Detail = "default" | "full" | "sessions";

function detailOf(request: HttpRequest): { detail: Detail; page: number } | undefined {
  const detail = request.query.get("detail") ?? "default";
  const pageText = request.query.get("page") ?? "0";
  if (detail !== "default" && detail !== "full" && detail !== "sessions") return undefined;
  if (!/^\d{1,5}$/.test(pageText)) return undefined;
  return { detail, page: Number(pageText) };
}

/** The store could not be read: the operation is not known to be finished, so the poller keeps polling. */
function storageUnavailable(
  context: InvocationContext,
  request: HttpRequest,
  operationId: string,
  error: unknown,
): HttpResponseInit {
  logEvent(context, "warn", {
    event: "userSignoutOperation.storageUnavailable",
    invocationId: context.invocationId,
    operationId,
    error: String(error),
  });
  const body: OperationProgressBody = {
    operationId,
    status: "running",
    phase: "storageUnavailable",
    statusUrl: request.url,
  };
  return operationAcceptedResponse(request.url, storageRetryAfterSeconds, body, false);
}

/**
 * GET /api/avd/user-signout/operations/{operationId}?token=…: 202 with progress while work remains,
 * then the final report under the synchronous status policy (200, 502, 504). The token is checked
 * against the summary alone (one point read) before anything else is read: an unknown id, a wrong
 * token and an expired record cost the same and answer the same 404.
 */
export function createOperationStatusHandler(loadRuntime: () => Result<AsyncRuntime, ConfigurationError>): HttpHandler {
  return withRuntime("userSignoutOperation", loadRuntime, async (runtime, request, context) => {
    const invocationId = context.invocationId;
    const operationId = request.params.operationId ?? "";
    const token = request.query.get("token");
    const detail = detailOf(request);
    if (!operationIdPattern.test(operationId) || token === null || detail === undefined) {
      return operationNotFoundResponse(invocationId);
    }
    const storage = runtime.storage();
    if (!storage.ok) {
      logEvent(context, "error", { event: "userSignoutOperation.configurationError", invocationId, ...storage.error });
      return configurationErrorResponse(storage.error, invocationId);
    }
    const read = await readOperation(
      createTableOperationStore(storage.value.table),
      { operationId, token, detail: detail.detail, page: detail.page, run: `status/${invocationId}` },
      () => runtime.clock.now(),
    );
    switch (read.kind) {
      case "notFound":
        return operationNotFoundResponse(invocationId);
      case "unavailable":
        return storageUnavailable(context, request, operationId, read.error);
      case "page": {
        const next = new URL(request.url);
        next.searchParams.set("page", String(read.page + 1));
        const page: OperationSessionsPageBody = {
          operationId,
          status: read.status,
          page: read.page,
          pages: read.pages,
          ...(read.page + 1 < read.pages ? { nextPage: next.toString() } : {}),
          sessions: [...read.sessions],
        };
        return operationPageResponse(page);
      }
      case "running": {
        const { summary, progress } = read;
        const body: OperationProgressBody = {
          operationId,
          status: "running",
          ...progress,
          statusUrl: request.url,
          createdAt: new Date(summary.createdAt).toISOString(),
          expiresAt: new Date(summary.expiresAt).toISOString(),
        };
        const waitingUntil = progress.waitingUntil === undefined ? undefined : Date.parse(progress.waitingUntil);
        return operationAcceptedResponse(
          request.url,
          retryAfterSeconds(waitingUntil, runtime.clock.now()),
          body,
          false,
        );
      }
      case "finished": {
        const { summary, report } = read;
        const body: OperationReportBody = {
          ...report,
          users: [...report.users],
          ...(report.detail === "full" ? {} : { sessionPages: summary.chunkCount }),
          operation: {
            operationId,
            status: report.status,
            createdAt: new Date(summary.createdAt).toISOString(),
            ...(summary.completedAt === undefined ? {} : { completedAt: new Date(summary.completedAt).toISOString() }),
            expiresAt: new Date(summary.expiresAt).toISOString(),
            failures: [...read.failures],
          },
        };
        return operationReportResponse(body);
      }
    }
  });
}
