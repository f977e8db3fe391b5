import { setMaxListeners } from "node:events";
import type { SignOutOrder, SignOutOptions } from "../engine/signOutOrder";
import type { SessionResult, SignOutReport } from "../engine/signOutReport";
import { decideOperationStatus, mergeChunkReports } from "./aggregateOperation";
import { encodeJobMessage, type JobMessage } from "./jobMessage";
import type { JobStorage } from "./jobStorage";
import { isTerminal, type ChunkRecord, type OperationSummary } from "./operationRecord";
import { createOperationStore, type OperationStore } from "./operationStore";

export interface JobConsumerDependencies {
  readonly storage: JobStorage;
  /** `runtime.signOut`: the one way into the engine. */
  readonly signOut: (job: SignOutOrder, options: SignOutOptions) => Promise<SignOutReport>;
  readonly now: () => number;
  /**
   * Longest run of one message (AVD_JOB_MESSAGE_TIMEOUT_SECONDS), under the host's functionTimeout:
   * a run cut short is retried by redelivery, and the action is idempotent.
   */
  readonly maxRunMs: number;
}

/** What handling one delivery did; for logs and tests. */
export type JobStepOutcome =
  "notified" | "done" | "deadlineExceeded" | "duplicate" | "operationGone" | "operationFinished" | "actRequeued";

function sessionKey(session: Pick<SessionResult, "subscriptionId" | "hostPool" | "sessionHost" | "sessionId">): string {
  return [session.subscriptionId, session.hostPool, session.sessionHost, session.sessionId]
    .map((part) => part.toLowerCase())
    .join("/");
}

/**
 * The `act` stage sends no message: each session's notification outcome comes from the `notify`
 * stage's report. A session that appeared during the grace period was not notified and says so by
 * having none.
 */
export function mergeNotifications(report: SignOutReport, notifyReport: SignOutReport | undefined): SignOutReport {
  if (notifyReport === undefined) return report;
  const notified = new Map(notifyReport.sessions.map((session) => [sessionKey(session), session]));
  const merge = (session: SessionResult): SessionResult => {
    const earlier = notified.get(sessionKey(session));
    if (earlier?.notification === undefined) return session;
    return {
      ...session,
      notification: earlier.notification,
      ...(earlier.notificationError === undefined ? {} : { notificationError: earlier.notificationError }),
    };
  };
  const sessions = report.sessions.map(merge);
  const count = (outcome: string): number => sessions.filter((session) => session.notification === outcome).length;
  return {
    ...report,
    gracePeriodSeconds: notifyReport.gracePeriodSeconds,
    notifications: {
      sent: count("sent"),
      failed: count("failed"),
      notShown: count("notShown"),
      wouldSend: count("wouldSend"),
    },
    sessions,
    users: report.users.map((user) => ({ ...user, sessions: user.sessions.map(merge) })),
  };
}

function toJob(summary: OperationSummary, message: JobMessage): SignOutOrder {
  const { spec } = summary;
  return {
    operationId: summary.operationId,
    userPrincipalNames: message.userPrincipalNames,
    batch: spec.batch,
    mode: spec.mode,
    dryRun: spec.dryRun,
    notify: spec.notify,
    // The `all` stage never waits inside a function; the grace period is the act message's delay.
    gracePeriodMs: message.stage === "all" ? 0 : spec.gracePeriodMs,
    stage: message.stage,
    subscriptionIds: spec.subscriptionIds,
    hostPools: spec.hostPools,
    audit: spec.audit,
  };
}

/** A run the message's own time budget cut short, while the job's deadline is still ahead: retry it. */
class RunCutShort extends Error {
  override readonly name = "RunCutShort";
}

/**
 * One delivery of one chunk's message. Delivery is at least once, so every step checks the
 * chunk's state first: a redelivered message does nothing twice, and a session that is already
 * gone is reported `alreadyGone` by the engine. A fault is thrown, so that the host redelivers the
 * message and, after `maxDequeueCount`, moves it to the poison queue.
 */
export async function processJobMessage(
  dependencies: JobConsumerDependencies,
  message: JobMessage,
): Promise<JobStepOutcome> {
  const store = createOperationStore(dependencies.storage.table);
  const { operationId } = message;
  const summary = await store.readSummary(operationId);
  if (summary === undefined) return "operationGone";
  if (summary.value.status !== "running") return "operationFinished";
  const stored = await store.readChunk(operationId, message.chunk);
  if (stored === undefined) return "operationGone";
  const chunk = stored.value;
  if (isTerminal(chunk.state)) return "duplicate";
  if (message.stage === "notify" && chunk.state === "notified") {
    if (chunk.actQueued) return "duplicate";
    await queueAct(dependencies, store, message, chunk, stored.etag);
    return "actRequeued";
  }

  const now = dependencies.now();
  if (message.stage === "act" && chunk.actAfter !== undefined && now < chunk.actAfter) {
    // Early (a queue's visibility is counted in whole seconds): the grace period is a minimum.
    await sendAct(dependencies, message, chunk.actAfter);
    return "actRequeued";
  }
  if (now >= summary.value.deadlineAt) {
    await store.writeChunk(operationId, { ...chunk, state: "deadlineExceeded" }, stored.etag);
    await finishIfComplete(store, operationId, dependencies.now);
    return "deadlineExceeded";
  }
  const jobLeftMs = summary.value.deadlineAt - now;
  const runMs = Math.min(jobLeftMs, dependencies.maxRunMs);
  const abortSignal = AbortSignal.timeout(runMs);
  // Every in-flight SDK call listens on the deadline; hundreds at once are expected, not a leak.
  setMaxListeners(0, abortSignal);
  const report = await dependencies.signOut(toJob(summary.value, message), { abortSignal });
  if (report.status === "deadlineExceeded" && runMs < jobLeftMs) {
    throw new RunCutShort(`chunk ${message.chunk} did not finish within ${runMs} ms; the message will be retried`);
  }

  if (message.stage === "notify") {
    const delivered = report.sessions.some((session) => session.notification === "sent");
    const notified: ChunkRecord = {
      ...chunk,
      state: "notified",
      notifyReport: report,
      actAfter: delivered ? dependencies.now() + summary.value.spec.gracePeriodMs : dependencies.now(),
    };
    if (!(await store.writeChunk(operationId, notified, stored.etag))) {
      // Another delivery notified first, or a failed one noted its error: look again from the top.
      const current = await store.readChunk(operationId, message.chunk);
      if (current === undefined || current.value.state !== "queued") return "duplicate";
      if (!(await store.writeChunk(operationId, { ...notified, attempts: current.value.attempts }, current.etag))) {
        throw new Error(
          `chunk ${message.chunk} of operation ${operationId} changed while its notifications were written`,
        );
      }
    }
    const fresh = await store.readChunk(operationId, message.chunk);
    if (fresh !== undefined) await queueAct(dependencies, store, message, fresh.value, fresh.etag);
    return "notified";
  }

  const merged = mergeNotifications(report, chunk.notifyReport);
  const done: ChunkRecord = { ...chunk, state: "done", report: merged };
  const outcome = (await store.writeChunk(operationId, done, stored.etag))
    ? "done"
    : await mergeIntoChunk(store, operationId, message.chunk, merged, summary.value.spec.mode);
  await finishIfComplete(store, operationId, dependencies.now);
  return outcome;
}

/**
 * The chunk changed since it was read: another delivery of the same message finished first (keep
 * the union of what both did), or a failed delivery noted its error (write the result over it).
 */
async function mergeIntoChunk(
  store: OperationStore,
  operationId: string,
  chunkNumber: number,
  report: SignOutReport,
  mode: OperationSummary["spec"]["mode"],
): Promise<JobStepOutcome> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = await store.readChunk(operationId, chunkNumber);
    if (current === undefined) return "operationGone";
    if (current.value.state === "failed" || current.value.state === "deadlineExceeded") return "duplicate";
    const next: ChunkRecord =
      current.value.report === undefined
        ? { ...current.value, state: "done", report: mergeNotifications(report, current.value.notifyReport) }
        : { ...current.value, report: mergeChunkReports(current.value.report, report, mode) };
    if (await store.writeChunk(operationId, next, current.etag)) {
      return current.value.report === undefined ? "done" : "duplicate";
    }
  }
  throw new Error(`chunk ${chunkNumber} of operation ${operationId} kept changing while its result was written`);
}

/** The grace period is the act message's visibility delay: no function waits it out. */
async function queueAct(
  dependencies: JobConsumerDependencies,
  store: OperationStore,
  message: JobMessage,
  chunk: ChunkRecord,
  etag: string,
): Promise<void> {
  await sendAct(dependencies, message, chunk.actAfter ?? 0);
  await store.writeChunk(message.operationId, { ...chunk, actQueued: true }, etag);
}

/**
 * Visibility is set in whole seconds and may be rounded down by the service, so the delay is one
 * second longer than the time left: the message never becomes visible before `actAfter`.
 */
async function sendAct(dependencies: JobConsumerDependencies, message: JobMessage, actAfter: number): Promise<void> {
  const leftMs = actAfter - dependencies.now();
  const delaySeconds = leftMs > 0 ? Math.ceil(leftMs / 1000) + 1 : 0;
  await dependencies.storage.queue.sendMessage(encodeJobMessage({ ...message, stage: "act" }), {
    ...(delaySeconds > 0 ? { visibilityTimeout: delaySeconds } : {}),
  });
}

/** Once every chunk is finished, the summary takes the operation's final status (ETag-checked). */
export async function finishIfComplete(store: OperationStore, operationId: string, now: () => number): Promise<void> {
  const stored = await store.readOperation(operationId);
  if (stored === undefined || !stored.chunks.every((chunk) => isTerminal(chunk.state))) return;
  await store.updateSummary(operationId, (summary) =>
    summary.status !== "running"
      ? undefined
      : { ...summary, status: decideOperationStatus(summary, stored.chunks, now()), completedAt: now() },
  );
}

/** Remembers why a delivery failed, for the poison handler to report; never hides the failure itself. */
export async function recordDeliveryFailure(storage: JobStorage, message: JobMessage, error: unknown): Promise<void> {
  const store = createOperationStore(storage.table);
  const stored = await store.readChunk(message.operationId, message.chunk);
  if (stored === undefined || isTerminal(stored.value.state)) return;
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  await store.writeChunk(
    message.operationId,
    { ...stored.value, lastError: reason, attempts: stored.value.attempts + 1 },
    stored.etag,
  );
}
