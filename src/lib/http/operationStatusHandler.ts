import { logEvent } from "../base/logEvents";
import type { HttpRequest, InvocationContext, HttpResponseInit } from "@azure/functions";
import type { ConfigurationError } from "../config/configurationError";
import type { Result } from "../base/result";
import { buildOperationReport, compactAboveUsers, describeProgress, journalSession } from "../jobs/aggregateOperation";
import { endOverdueChunks } from "../jobs/endChunk";
import { finishOperation } from "../jobs/finishOperation";
import { operationIdPattern } from "../jobs/jobMessage";
import { isTerminal, type ChunkRecord, type OperationSummary } from "../jobs/operationRecord";
import { decideOperationStatus } from "../jobs/operationStatus";
import type { OperationStore } from "../jobs/operationStore";
import { createTableOperationStore } from "../jobs/tableOperationStore";
import { statusTokenMatches } from "../jobs/operationToken";
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
  logEvent(context, "warn", { event: "userSignoutOperation.storageUnavailable", operationId, error: String(error) });
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
    const store = createTableOperationStore(storage.value.table);
    let summary: OperationSummary | undefined;
    try {
      summary = (await store.readSummary(operationId))?.value;
    } catch (error) {
      return storageUnavailable(context, request, operationId, error);
    }
    if (summary === undefined || !statusTokenMatches(token, summary.tokenHash)) {
      return operationNotFoundResponse(invocationId);
    }
    const now = runtime.clock.now();
    if (now >= summary.expiresAt) {
      await store.delete(operationId).catch(() => undefined);
      return operationNotFoundResponse(invocationId);
    }
    let chunks: ChunkRecord[];
    try {
      chunks = await store.readChunks(operationId);
    } catch (error) {
      return storageUnavailable(context, request, operationId, error);
    }
    if (summary.status === "running" && now >= summary.deadlineAt && !chunks.every((c) => isTerminal(c.state))) {
      try {
        chunks = await endOverdueChunks(store, summary, `status/${invocationId}`, () => runtime.clock.now());
      } catch (error) {
        return storageUnavailable(context, request, operationId, error);
      }
    }
    summary = await finishIfDone(store, summary, chunks, now);
    if (detail.detail === "sessions") {
      return sessionsPage(store, request, summary, detail.page, now, context);
    }
    if (summary.status === "running" && now < summary.deadlineAt) {
      const progress = describeProgress(summary, chunks, now);
      const body: OperationProgressBody = {
        operationId,
        status: "running",
        ...progress,
        statusUrl: request.url,
        createdAt: new Date(summary.createdAt).toISOString(),
        expiresAt: new Date(summary.expiresAt).toISOString(),
      };
      const waitingUntil = progress.waitingUntil === undefined ? undefined : Date.parse(progress.waitingUntil);
      return operationAcceptedResponse(request.url, retryAfterSeconds(waitingUntil, now), body, false);
    }
    const full = detail.detail === "full" || summary.userCount <= compactAboveUsers;
    let journal;
    try {
      journal = full ? await store.readJournal(operationId) : undefined;
    } catch (error) {
      return storageUnavailable(context, request, operationId, error);
    }
    const report = buildOperationReport(summary, chunks, now, { journal });
    const body: OperationReportBody = {
      ...report,
      users: [...report.users],
      ...(full ? {} : { sessionPages: summary.chunkCount }),
      operation: {
        operationId,
        status: report.status,
        createdAt: new Date(summary.createdAt).toISOString(),
        ...(summary.completedAt === undefined ? {} : { completedAt: new Date(summary.completedAt).toISOString() }),
        expiresAt: new Date(summary.expiresAt).toISOString(),
        failures: [
          ...summary.failures,
          ...chunks.flatMap((chunk) => (chunk.failure === undefined ? [] : [chunk.failure])),
        ],
      },
    };
    return operationReportResponse(body);
  });
}

/**
 * Every chunk is finished but the summary still says running (a crash between the last chunk's
 * write and the finish): the status read finishes it, and answers as finished even if that write fails.
 */
async function finishIfDone(
  store: OperationStore,
  summary: OperationSummary,
  chunks: readonly ChunkRecord[],
  now: number,
): Promise<OperationSummary> {
  if (summary.status !== "running") return summary;
  if (chunks.length < summary.chunkCount || !chunks.every((chunk) => isTerminal(chunk.state))) return summary;
  await finishOperation(store, summary.operationId, now, chunks).catch(() => false);
  return { ...summary, status: decideOperationStatus(summary, chunks, now), completedAt: summary.completedAt ?? now };
}

async function sessionsPage(
  store: OperationStore,
  request: HttpRequest,
  summary: OperationSummary,
  page: number,
  now: number,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  if (page >= summary.chunkCount) return operationNotFoundResponse(context.invocationId);
  let entries;
  try {
    entries = await store.readJournal(summary.operationId, page);
  } catch (error) {
    return storageUnavailable(context, request, summary.operationId, error);
  }
  const next = new URL(request.url);
  next.searchParams.set("page", String(page + 1));
  const running = summary.status === "running" && now < summary.deadlineAt;
  const body: OperationSessionsPageBody = {
    operationId: summary.operationId,
    status: running ? "running" : summary.status === "running" ? "deadlineExceeded" : summary.status,
    page,
    pages: summary.chunkCount,
    ...(page + 1 < summary.chunkCount ? { nextPage: next.toString() } : {}),
    sessions: entries.map(journalSession),
  };
  return operationPageResponse(body);
}
