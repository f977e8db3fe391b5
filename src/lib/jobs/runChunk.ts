import { msToSecondsAtLeast } from "../base/duration";
import type { Clock } from "../base/clock";
import { signOutWithin } from "../engine/signOutWithin";
import type { SignOut } from "../engine/createSignOutEngine";
import { countNotifications, type SessionResult } from "../engine/report";
import { findProtectedAccounts } from "../engine/findProtectedAccounts";
import { describeUser } from "../engine/requestedUser";
import { stagesFor } from "../engine/stagePlan";
import { createChunkJournal } from "./chunkJournal";
import { endChunk, type ChunkEnding } from "./endChunk";
import { finishOperation } from "./finishOperation";
import { encodeJobMessage, type JobMessage } from "./jobMessage";
import { chunkOrder, isTerminal, type ChunkRecord, type JournalEntry, type OperationSummary } from "./operationRecord";
import type { SignOutOrder } from "../engine/signOutOrder";
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

/** What one delivery does, decided from the records alone (see `decideStep`). */
export type JobStep =
  | { readonly kind: "refuse"; readonly reason: RefusalReason }
  /** The chunk has ended: only make sure the operation is finished too. */
  | { readonly kind: "finish" }
  /** A notify message delivered again after its act was queued. */
  | { readonly kind: "nothing" }
  /** The notice went out but the act message was not marked queued (a crash between the two). */
  | { readonly kind: "queueAct" }
  /** An act message a little early (clocks differ): put back until the grace period ends. */
  | { readonly kind: "requeueAct"; readonly actAfter: number }
  | { readonly kind: "end"; readonly ending: Exclude<ChunkEnding, { kind: "ran" }> }
  | { readonly kind: "run" };

export interface StepInput {
  readonly message: JobMessage;
  readonly summary: OperationSummary | undefined;
  readonly chunk: ChunkRecord | undefined;
  readonly now: number;
  readonly protectedUsers: readonly string[];
}

/**
 * The one decision of a delivery: from the operation's summary and the chunk's record as read now
 * (the message only points), what this delivery does. Pure, so each rule is one line here.
 */
export function decideStep({ message, summary, chunk, now, protectedUsers }: StepInput): JobStep {
  const refuse = (reason: RefusalReason): JobStep => ({ kind: "refuse", reason });
  if (summary === undefined) return refuse("unknownOperation");
  if (summary.status !== "running") return refuse("operationFinished");
  if (message.chunk >= summary.chunkCount || chunk === undefined) return refuse("unknownChunk");
  if (!stagesFor(summary.spec).includes(message.stage)) return refuse("stageNotInPlan");
  if (isTerminal(chunk.state)) return { kind: "finish" };
  if (message.stage === "act" && chunk.state !== "notified") return refuse("actBeforeNotice");
  if (message.stage === "notify" && chunk.state === "notified") {
    return chunk.actQueued ? { kind: "nothing" } : { kind: "queueAct" };
  }
  if (message.stage === "act" && chunk.actAfter !== undefined && now < chunk.actAfter) {
    if (chunk.actAfter - now > earlyActToleranceMs) return refuse("actBeforeGracePeriod");
    return { kind: "requeueAct", actAfter: chunk.actAfter };
  }
  if (now >= summary.deadlineAt) return { kind: "end", ending: { kind: "deadlineExceeded" } };
  const protectedNamed = findProtectedAccounts(chunkOrder(summary, chunk, message.stage), protectedUsers);
  if (protectedNamed.length > 0) {
    const failure = {
      code: "ProtectedAccount",
      message: `Refused as a whole: the chunk names accounts protected since the job was accepted (AVD_PROTECTED_USERS): ${protectedNamed.map(({ user }) => describeUser(user)).join(", ")}. Nothing more was done for its users.`,
    };
    return { kind: "end", ending: { kind: "failed", failure } };
  }
  return { kind: "run" };
}

/**
 * One delivery of one chunk's message: reads the records, decides the step (`decideStep`), takes
 * it. Delivery is at least once, so each step starts from the chunk's state; every way the chunk
 * ends goes through `endChunk`. A fault is thrown so that the host redelivers the message (and,
 * after `maxDequeueCount`, poisons it).
 */
export async function runChunk(dependencies: JobStepDependencies, message: JobMessage): Promise<JobStepOutcome> {
  const { store, clock } = dependencies;
  const { operationId } = message;
  const summary = await store.readSummary(operationId);
  const inRange = summary !== undefined && message.chunk < summary.value.chunkCount;
  const stored = inRange ? await store.readChunk(operationId, message.chunk) : undefined;
  const now = clock.now();
  const step = decideStep({
    message,
    summary: summary?.value,
    chunk: stored?.value,
    now,
    protectedUsers: dependencies.protectedUsers,
  });
  if (step.kind === "refuse") return { kind: "refused", reason: step.reason };
  // Past `decideStep`'s first checks, both records exist.
  if (summary === undefined || stored === undefined) throw new Error("decideStep let a missing record through");
  const order = chunkOrder(summary.value, stored.value, message.stage);
  const end = (ending: ChunkEnding): Promise<"ended" | "alreadyEnded"> =>
    endChunk({ store, order, stored, ending, run: dependencies.run, now: () => clock.now() });
  switch (step.kind) {
    case "finish":
      await finishOperation(store, operationId, clock.now());
      return { kind: "duplicate" };
    case "nothing":
      return { kind: "duplicate" };
    case "queueAct":
      await queueAct(dependencies, message, stored);
      return { kind: "actQueued" };
    case "requeueAct":
      await sendAct(dependencies, message, step.actAfter);
      return { kind: "actRequeued" };
    case "end": {
      const ended = await end(step.ending);
      if (step.ending.kind === "failed") return { kind: "refused", reason: "protectedAccount" };
      return { kind: ended === "ended" ? "deadlineExceeded" : "duplicate" };
    }
    case "run":
      return run(dependencies, message, summary.value, stored, order, end, now);
  }
}

/** Runs the engine on the chunk under the delivery's budget, then records the notice or ends the chunk. */
async function run(
  dependencies: JobStepDependencies,
  message: JobMessage,
  summary: OperationSummary,
  stored: Versioned<ChunkRecord>,
  order: SignOutOrder,
  end: (ending: ChunkEnding) => Promise<"ended" | "alreadyEnded">,
  now: number,
): Promise<JobStepOutcome> {
  const { store, clock } = dependencies;
  const { operationId } = message;
  const before = message.stage === "notify" ? [] : await store.readJournal(operationId, message.chunk);
  const journal = createChunkJournal(store, operationId, message.chunk, message.stage, dependencies.run);
  const jobLeftMs = summary.deadlineAt - now;
  const runMs = Math.min(jobLeftMs, dependencies.maxRunMs);
  const report = await signOutWithin(dependencies.signOut, order, { clock, ms: runMs, journal });
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
    const written = await updateVersioned(
      `chunk ${message.chunk} of operation ${operationId}`,
      stored,
      () => store.readChunk(operationId, message.chunk),
      (value, etag) => store.writeChunk(operationId, value, etag),
      (current): ChunkRecord | undefined =>
        current.state !== "queued"
          ? undefined
          : {
              ...current,
              state: "notified",
              notified,
              actAfter: notified.sent > 0 ? at + summary.spec.gracePeriodMs : at,
            },
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
