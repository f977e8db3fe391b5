import type { ActionJournal } from "../engine/actionJournal";
import type { SignOutStage } from "../engine/signOutOrder";
import type { SessionResult } from "../engine/report";
import type { JournalEntry } from "./operationRecord";
import type { OperationStore } from "./operationStore";

/** A session's result as the journal records it, tagged with the delivery that wrote it. */
export function journalOutcome(result: SessionResult, run: string): Omit<JournalEntry, "chunk" | "intent"> {
  const { outcome, upstreamStatus, error, notification, notificationError, verified, ...session } = result;
  return { session, outcome, upstreamStatus, error, notification, notificationError, verified, outcomeRun: run };
}

export interface ChunkJournal extends ActionJournal {
  /** A write of the journal failed: the delivery must not finish the chunk, only be retried. */
  readonly failure: () => unknown;
}

/**
 * The engine's journal for one delivery of one chunk, on the operation store: intents before each
 * host pool's first write (the engine acts only once they are stored), outcomes after, each tagged
 * with the delivery that wrote it.
 */
export function createChunkJournal(
  store: OperationStore,
  operationId: string,
  chunk: number,
  stage: SignOutStage,
  run: string,
): ChunkJournal {
  let failure: unknown;
  const intent: JournalEntry["intent"] = stage === "notify" ? "notify" : "act";
  return {
    failure: () => failure,
    async beforeActing(sessions) {
      try {
        await store.recordIntents(
          operationId,
          chunk,
          sessions.map((session) => ({
            ...session.ref,
            userPrincipalName: session.userPrincipalName,
            ...(session.objectId === undefined ? {} : { objectId: session.objectId }),
            matchedBy: session.matchedBy,
            sessionState: session.sessionState,
          })),
          intent,
        );
      } catch (error) {
        failure ??= error;
        throw error;
      }
    },
    async afterActing(results) {
      try {
        await store.recordOutcomes(
          operationId,
          chunk,
          results.map((result) => journalOutcome(result, run)),
        );
      } catch (error) {
        // The results stand; only their record is missing, so the delivery is retried, not failed.
        failure ??= error;
      }
    },
  };
}
