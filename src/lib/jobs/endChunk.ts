import { reportWithSessions, sessionKey, type SessionResult, type SignOutReport } from "../engine/report";
import type { SignOutOrder } from "../engine/signOutOrder";
import { journalOutcome } from "./chunkJournal";
import { finishOperation } from "./finishOperation";
import {
  chunkOrder,
  isTerminal,
  type ChunkRecord,
  type ChunkResult,
  type ChunkState,
  type JournalEntry,
  type OperationFailure,
  type OperationSummary,
} from "./operationRecord";
import { updateVersioned, type OperationStore, type Versioned } from "./operationStore";
import {
  closeChunkSessions,
  closedChunkResult,
  resolveChunkSessions,
  toChunkResult,
  type ChunkClosing,
} from "./resolveChunk";

/** Every way a chunk ends. */
export type ChunkEnding =
  /** A delivery's run finished: its listings and the journal decide each session. */
  | {
      readonly kind: "ran";
      readonly report: SignOutReport;
      /** The chunk's journal as the delivery found it, before acting. */
      readonly before: readonly JournalEntry[];
    }
  /** The job's deadline passed before a delivery could run the chunk. */
  | { readonly kind: "deadlineExceeded" }
  /** The chunk cannot run: its message was poisoned, or it names an account protected since. */
  | { readonly kind: "failed"; readonly failure: OperationFailure };

export interface EndChunkInput {
  readonly store: OperationStore;
  /** The chunk's order: the operation's request with the chunk's users. */
  readonly order: SignOutOrder;
  /** The chunk as the caller read it; the end is written only over that version (or a later one that is not finished). */
  readonly stored: Versioned<ChunkRecord>;
  readonly ending: ChunkEnding;
  /** Who ends it: the journal tags the outcomes this writes with it. */
  readonly run: string;
  readonly now: () => number;
}

const stateOf: Record<ChunkEnding["kind"], ChunkState> = {
  ran: "done",
  deadlineExceeded: "deadlineExceeded",
  failed: "failed",
};

function closingOf(ending: Exclude<ChunkEnding, { kind: "ran" }>): ChunkClosing {
  return ending.kind === "deadlineExceeded"
    ? { status: "deadlineExceeded", reason: "the job's deadline passed" }
    : { status: "failed", reason: ending.failure.code };
}

function resolve(
  input: EndChunkInput,
  entries: readonly JournalEntry[],
): { sessions: SessionResult[]; result: ChunkResult } {
  const { ending, order } = input;
  if (ending.kind === "ran") {
    const sessions = resolveChunkSessions({
      order,
      report: ending.report,
      before: ending.before,
      after: entries,
      run: input.run,
    });
    const report = reportWithSessions(order, ending.report, sessions);
    return { sessions: report.sessions, result: toChunkResult(report) };
  }
  const closing = closingOf(ending);
  const sessions = closeChunkSessions(entries, closing);
  return { sessions, result: closedChunkResult(order, sessions, closing) };
}

/** Resolved sessions whose journal entry says otherwise (or is missing). */
function staleEntries(entries: readonly JournalEntry[], sessions: readonly SessionResult[]): SessionResult[] {
  const stored = new Map(entries.map((entry) => [sessionKey(entry.session), entry]));
  return sessions.filter((session) => {
    const entry = stored.get(sessionKey(session));
    return (
      entry === undefined ||
      entry.outcome !== session.outcome ||
      entry.upstreamStatus !== session.upstreamStatus ||
      entry.error?.code !== session.error?.code ||
      entry.session.sessionHostStatus !== session.sessionHostStatus ||
      (entry.verified === true) !== (session.verified === true)
    );
  });
}

/**
 * Ends a chunk, whichever way it ends, from its journal: the sessions are resolved (see
 * `resolveChunkSessions`, `closeChunkSessions`), written back to the journal (which is what the
 * full answer lists), and the chunk's bounded result is built from the same sessions, so counts,
 * users and sessions agree. The chunk is written only over the version it was read as: when
 * another delivery wrote it meanwhile, the journal is read again and the end decided again, unless
 * that delivery ended the chunk, whose end then stands. Returns whether this call ended it.
 */
export async function endChunk(input: EndChunkInput): Promise<"ended" | "alreadyEnded"> {
  const { store, order, ending } = input;
  const operationId = order.operationId;
  const chunk = input.stored.value.chunk;
  const updated = await updateVersioned(
    `chunk ${chunk} of operation ${operationId}`,
    input.stored,
    () => store.readChunk(operationId, chunk),
    (next, etag) => store.writeChunk(operationId, next, etag),
    async (current): Promise<ChunkRecord | undefined> => {
      if (isTerminal(current.state)) return undefined;
      const entries = await store.readJournal(operationId, chunk);
      const { sessions, result } = resolve(input, entries);
      // Journal first: a crash between the two writes leaves the chunk open, and the next delivery ends it again.
      const stale = staleEntries(entries, sessions);
      if (stale.length > 0) {
        await store.recordOutcomes(
          operationId,
          chunk,
          stale.map((session) => journalOutcome(session, input.run)),
        );
      }
      return {
        ...current,
        state: stateOf[ending.kind],
        result,
        ...(ending.kind === "failed" ? { failure: ending.failure } : {}),
      };
    },
  );
  await finishOperation(store, operationId, input.now());
  return updated.kind === "written" ? "ended" : "alreadyEnded";
}

/**
 * The job's deadline has passed and chunks are still open (their delivery was killed and its
 * message has not come back, or never will): the reader that notices ends each one as a delivery
 * would, from its journal, so the first answer past the deadline already tells what was done.
 * Returns the chunks as they are now.
 */
export async function endOverdueChunks(
  store: OperationStore,
  summary: OperationSummary,
  run: string,
  now: () => number,
): Promise<ChunkRecord[]> {
  const { operationId } = summary;
  for (const chunk of await store.readChunks(operationId)) {
    if (isTerminal(chunk.state)) continue;
    const stored = await store.readChunk(operationId, chunk.chunk);
    if (stored === undefined) continue;
    const order = chunkOrder(summary, stored.value, undefined);
    await endChunk({ store, order, stored, ending: { kind: "deadlineExceeded" }, run, now });
  }
  return store.readChunks(operationId);
}
