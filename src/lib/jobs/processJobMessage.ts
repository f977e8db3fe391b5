import { msToSecondsAtLeast } from "../base/duration";
import { setMaxListeners } from "node:events";
import { deadlineSignal, type Clock } from "../base/clock";
import type { SignOut } from "../engine/createSignOutEngine";
import { countNotifications } from "../engine/buildReport";
import { findProtectedAccounts } from "../engine/findProtectedAccounts";
import { stagesFor } from "../engine/stagePlan";
import type { SessionResult } from "../engine/signOutReport";
import { createChunkJournal } from "./chunkJournal";
import { endChunk, type ChunkEnding } from "./endChunk";
import { finishOperation } from "./finishOperation";
import { encodeJobMessage, type JobMessage } from "./jobMessage";
import { chunkOrder, isTerminal, type ChunkRecord, type JournalEntry } from "./operationRecord";
import { updateVersioned, type OperationStore, type Versioned } from "./operationStore";

export interface JobStepDependencies {
  readonly store: OperationStore;
  /** Where the act message of a notify-first job goes (the job queue). */
  readonly sendMessage: (text: string, options: { visibilityTimeout?: number }) => Promise<unknown>;
  readonly signOut: SignOut;
  readonly clock: Clock;
  /**
   * Time budget of one delivery (AVD_JOB_MESSAGE_TIMEOUT_SECONDS), under the host's functionTimeout:
   * a run cut short is retried by redelivery, and the journal makes the retry exact.
   */
  readonly maxRunMs: number;
  /** This delivery's id: the journal tags the outcomes it writes with it. */
  readonly run: string;
  /** AVD_PROTECTED_USERS as the instance reads it now: a job accepted before an account was protected does not touch it. */
  readonly protectedUsers: readonly string[];
}

/** Why a message was refused: logged, counted and deleted, never acted on. */
export type RefusalReason =
  | "unknownOperation"
  | "operationFinished"
  | "unknownChunk"
  | "stageNotInPlan"
  | "actBeforeNotice"
  | "actBeforeGracePeriod"
  | "protectedAccount";

export type JobStepOutcome =
  | { readonly kind: "refused"; readonly reason: RefusalReason }
  | {
      readonly kind: "notified" | "done" | "deadlineExceeded" | "duplicate" | "actQueued" | "actRequeued";
    };

/**
 * An act message may arrive a little early when instances' clocks differ: within this margin it is
 * put back until the grace period ends; earlier than that it was not sent by this app.
 */
const earlyActToleranceMs = 60_000;

class RetryDelivery extends Error {
  override readonly name = "RetryDelivery";
}

function refused(reason: RefusalReason): JobStepOutcome {
  return { kind: "refused", reason };
}

/**
 * One delivery of one chunk's message. The message only points: the record says who, what and
 * whether this stage may run now. Delivery is at least once, so each step starts from the chunk's
 * state, and the journal lets a delivery after a crash report what the earlier one did. A fault is
 * thrown so that the host redelivers the message (and, after `maxDequeueCount`, poisons it).
 */
export async function processJobMessage(
  dependencies: JobStepDependencies,
  message: JobMessage,
): Promise<JobStepOutcome> {
  const { store, clock } = dependencies;
  const { operationId } = message;
  const summary = await store.readSummary(operationId);
  if (summary === undefined) return refused("unknownOperation");
  if (summary.value.status !== "running") return refused("operationFinished");
  if (message.chunk >= summary.value.chunkCount) return refused("unknownChunk");
  if (!stagesFor(summary.value.spec).includes(message.stage)) return refused("stageNotInPlan");
  const stored = await store.readChunk(operationId, message.chunk);
  if (stored === undefined) return refused("unknownChunk");
  const chunk = stored.value;
  if (isTerminal(chunk.state)) {
    await finishOperation(store, operationId, clock.now());
    return { kind: "duplicate" };
  }
  if (message.stage === "act" && chunk.state !== "notified") return refused("actBeforeNotice");
  if (message.stage === "notify" && chunk.state === "notified") {
    if (chunk.actQueued) return { kind: "duplicate" };
    await queueAct(dependencies, message, stored);
    return { kind: "actQueued" };
  }
  const now = clock.now();
  if (message.stage === "act" && chunk.actAfter !== undefined && now < chunk.actAfter) {
    if (chunk.actAfter - now > earlyActToleranceMs) return refused("actBeforeGracePeriod");
    await sendAct(dependencies, message, chunk.actAfter);
    return { kind: "actRequeued" };
  }
  const order = chunkOrder(summary.value, chunk, message.stage);
  const end = (ending: ChunkEnding): Promise<"ended" | "alreadyEnded"> =>
    endChunk({ store, order, stored, ending, run: dependencies.run, now: () => clock.now() });
  if (now >= summary.value.deadlineAt) {
    const ended = await end({ kind: "deadlineExceeded" });
    return { kind: ended === "ended" ? "deadlineExceeded" : "duplicate" };
  }

  const protectedNamed = findProtectedAccounts(order, dependencies.protectedUsers);
  if (protectedNamed.length > 0) {
    const failure = {
      code: "ProtectedAccount",
      message: `Refused as a whole: the chunk names accounts protected since the job was accepted (AVD_PROTECTED_USERS): ${protectedNamed.join(", ")}. Nothing more was done for its users.`,
    };
    await end({ kind: "failed", failure });
    return refused("protectedAccount");
  }
  const before = message.stage === "notify" ? [] : await store.readJournal(operationId, message.chunk);
  const journal = createChunkJournal(store, operationId, message.chunk, message.stage, dependencies.run);
  const jobLeftMs = summary.value.deadlineAt - now;
  const runMs = Math.min(jobLeftMs, dependencies.maxRunMs);
  const deadline = deadlineSignal(clock, runMs);
  // Every in-flight SDK call listens on the deadline; hundreds at once are expected, not a leak.
  setMaxListeners(0, deadline.signal);
  const report = await dependencies
    .signOut(order, { abortSignal: deadline.signal, journal })
    .finally(() => deadline.dispose());
  if (journal.failure() !== undefined) {
    throw new RetryDelivery(`chunk ${message.chunk}: the journal could not be written (${String(journal.failure())})`);
  }
  if (report.status === "deadlineExceeded" && runMs < jobLeftMs) {
    throw new RetryDelivery(`chunk ${message.chunk} did not finish within ${runMs} ms; the message will be retried`);
  }
  if (message.stage === "notify") {
    const after = await store.readJournal(operationId, message.chunk);
    const notified = countNotifications(notifiedSessions(after));
    const at = clock.now();
    const next = (current: ChunkRecord): ChunkRecord => ({
      ...current,
      state: "notified",
      notified,
      actAfter: notified.sent > 0 ? at + summary.value.spec.gracePeriodMs : at,
    });
    const written = await updateVersioned(
      `chunk ${message.chunk} of operation ${operationId}`,
      stored,
      () => store.readChunk(operationId, message.chunk),
      (value, etag) => store.writeChunk(operationId, value, etag),
      (current) => (current.state === "queued" ? next(current) : undefined),
    );
    if (written.kind !== "written") return { kind: "duplicate" };
    // Read again for the version queueAct writes over.
    const fresh = await store.readChunk(operationId, message.chunk);
    if (fresh === undefined) return { kind: "duplicate" };
    await queueAct(dependencies, message, fresh);
    return { kind: "notified" };
  }

  const ended = await end({ kind: "ran", report, before });
  return { kind: ended === "ended" ? "done" : "duplicate" };
}

function notifiedSessions(entries: readonly JournalEntry[]): Pick<SessionResult, "notification">[] {
  return entries.filter((entry) => entry.notification !== undefined);
}

/** The grace period is the act message's visibility delay: no function waits it out. */
async function queueAct(
  dependencies: JobStepDependencies,
  message: JobMessage,
  stored: Versioned<ChunkRecord>,
): Promise<void> {
  await sendAct(dependencies, message, stored.value.actAfter ?? 0);
  // A crash here sends the act once more on redelivery; the second act finds its chunk done.
  await dependencies.store.writeChunk(message.operationId, { ...stored.value, actQueued: true }, stored.etag);
}

/**
 * Visibility is set in whole seconds and may be rounded down by the service, so the delay is one
 * second longer than the time left: the message never becomes visible before `actAfter`.
 */
async function sendAct(dependencies: JobStepDependencies, message: JobMessage, actAfter: number): Promise<void> {
  const leftMs = actAfter - dependencies.clock.now();
  const delaySeconds = leftMs > 0 ? msToSecondsAtLeast(leftMs) + 1 : 0;
  await dependencies.sendMessage(encodeJobMessage({ ...message, stage: "act" }), {
    ...(delaySeconds > 0 ? { visibilityTimeout: delaySeconds } : {}),
  });
}

/** Remembers why a delivery failed, for the poison handler to report; never hides the failure itself. */
export async function recordDeliveryFailure(store: OperationStore, message: JobMessage, error: unknown): Promise<void> {
  const stored = await store.readChunk(message.operationId, message.chunk);
  if (stored === undefined || isTerminal(stored.value.state)) return;
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  await store.writeChunk(
    message.operationId,
    { ...stored.value, lastError: reason, attempts: stored.value.attempts + 1 },
    stored.etag,
  );
}
