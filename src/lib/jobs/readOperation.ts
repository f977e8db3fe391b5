import { buildOperationReport, compactAboveUsers, describeProgress, journalSession } from "./aggregateOperation";
import type { SessionResult, SignOutStatus } from "../engine/report";
import { endOverdueChunks } from "./endChunk";
import { finishOperation } from "./finishOperation";
import { isTerminal, type ChunkRecord, type OperationFailure, type OperationSummary } from "./operationRecord";
import type { OperationProgress } from "./operationProgress";
import { decideOperationStatus } from "./operationStatus";
import type { OperationStore } from "./operationStore";
import type { OperationReport } from "./aggregateOperation";
import { statusTokenMatches } from "./operationToken";

export interface OperationQuery {
  readonly operationId: string;
  /** The status URL's token, as the caller gave it. */
  readonly token: string;
  /** `default`: full up to `compactAboveUsers` users, compact above; `sessions`: one chunk's sessions. */
  readonly detail: "default" | "full" | "sessions";
  readonly page: number;
  /** Who reads: the journal tags what a read past the deadline resolves with it. */
  readonly run: string;
}

/** What the status URL learns of an operation; `http/` only maps it onto HTTP. */
export type OperationRead =
  /** Unknown, expired (and then deleted), or the token does not match: alike, so none can be told apart. */
  | { readonly kind: "notFound" }
  /** The store could not be read: not known to be finished. */
  | { readonly kind: "unavailable"; readonly error: unknown }
  | {
      readonly kind: "running";
      readonly summary: OperationSummary;
      readonly progress: OperationProgress;
    }
  | {
      readonly kind: "finished";
      readonly summary: OperationSummary;
      readonly report: OperationReport;
      /** The operation's own failures, then each chunk's. */
      readonly failures: readonly OperationFailure[];
    }
  | {
      readonly kind: "page";
      readonly operationId: string;
      readonly status: "running" | SignOutStatus;
      readonly page: number;
      readonly pages: number;
      readonly sessions: readonly SessionResult[];
    };

/**
 * Reads an operation for its status URL. The token is checked against the summary alone (one point
 * read) before anything else is read. A read that finds every chunk ended finishes the operation;
 * one past the deadline ends the chunks still open from their journals (see `endOverdueChunks`).
 */
export async function readOperation(
  store: OperationStore,
  query: OperationQuery,
  now: () => number,
): Promise<OperationRead> {
  const { operationId } = query;
  let summary: OperationSummary | undefined;
  try {
    summary = (await store.readSummary(operationId))?.value;
  } catch (error) {
    return { kind: "unavailable", error };
  }
  if (summary === undefined || !statusTokenMatches(query.token, summary.tokenHash)) return { kind: "notFound" };
  const at = now();
  if (at >= summary.expiresAt) {
    await store.delete(operationId).catch(() => undefined);
    return { kind: "notFound" };
  }
  let chunks: ChunkRecord[];
  try {
    chunks = await store.readChunks(operationId);
    if (summary.status === "running" && at >= summary.deadlineAt && !chunks.every((c) => isTerminal(c.state))) {
      chunks = await endOverdueChunks(store, summary, query.run, now);
    }
  } catch (error) {
    return { kind: "unavailable", error };
  }
  summary = await finishIfDone(store, summary, chunks, at);
  const running = summary.status === "running" && at < summary.deadlineAt;
  if (query.detail === "sessions") {
    if (query.page >= summary.chunkCount) return { kind: "notFound" };
    let entries;
    try {
      entries = await store.readJournal(operationId, query.page);
    } catch (error) {
      return { kind: "unavailable", error };
    }
    return {
      kind: "page",
      operationId,
      status: running ? "running" : summary.status === "running" ? "deadlineExceeded" : summary.status,
      page: query.page,
      pages: summary.chunkCount,
      sessions: entries.map(journalSession),
    };
  }
  if (running) return { kind: "running", summary, progress: describeProgress(summary, chunks, at) };
  const full = query.detail === "full" || summary.userCount <= compactAboveUsers;
  let journal;
  try {
    journal = full ? await store.readJournal(operationId) : undefined;
  } catch (error) {
    return { kind: "unavailable", error };
  }
  return {
    kind: "finished",
    summary,
    report: buildOperationReport(summary, chunks, at, { journal }),
    failures: [...summary.failures, ...chunks.flatMap((chunk) => (chunk.failure === undefined ? [] : [chunk.failure]))],
  };
}

/**
 * Every chunk is finished but the summary still says running (a crash between the last chunk's
 * write and the finish): the read finishes it, and answers as finished even if that write fails.
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
