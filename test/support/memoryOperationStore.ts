import { sessionKey } from "../../src/lib/engine/report/sessionKey";
import type { ChunkRecord, JournalEntry, OperationSummary } from "../../src/lib/jobs/operationRecord";
import type { OperationStore, Versioned } from "../../src/lib/jobs/operationStore";

export interface MemoryOperationStore extends OperationStore {
  /** Writes made so far (summary, chunk and journal batches), for tests that count them. */
  writes(): number;
}

/**
 * The operation store in memory, with the Table store's semantics where the job steps depend on
 * them: conditional writes of the summary and chunks (a new ETag per write), journal writes that
 * merge (an intent never clears an outcome; an outcome without a notification keeps the one
 * recorded). For direct tests of the job steps; the kill tests run the Table store on Azurite.
 */
export function createMemoryOperationStore(): MemoryOperationStore {
  let version = 0;
  let writes = 0;
  const summaries = new Map<string, Versioned<OperationSummary>>();
  const chunks = new Map<string, Versioned<ChunkRecord>>();
  const journals = new Map<string, Map<string, JournalEntry>>();
  const chunkKey = (operationId: string, chunk: number): string => `${operationId}/${chunk}`;
  const stamp = <T>(value: T): Versioned<T> => ({ value: structuredClone(value), etag: `W/"${++version}"` });
  const journalOf = (operationId: string): Map<string, JournalEntry> => {
    let journal = journals.get(operationId);
    if (journal === undefined) journals.set(operationId, (journal = new Map<string, JournalEntry>()));
    return journal;
  };
  const rowKey = (chunk: number, session: JournalEntry["session"]): string => `${chunk}/${sessionKey(session)}`;

  /** The Table store answers later, never in the same turn: so does this one. */
  const later = <T>(work: () => T): Promise<T> => Promise.resolve().then(work);

  return {
    writes: () => writes,
    create(summary, records) {
      return later(() => {
        if (summaries.has(summary.operationId)) throw new Error(`operation ${summary.operationId} exists`);
        writes++;
        summaries.set(summary.operationId, stamp(summary));
        for (const record of records) chunks.set(chunkKey(summary.operationId, record.chunk), stamp(record));
      });
    },
    readSummary(operationId) {
      return later(() => {
        const found = summaries.get(operationId);
        return found === undefined ? undefined : structuredClone(found);
      });
    },
    writeSummary(summary, etag) {
      return later(() => {
        if (summaries.get(summary.operationId)?.etag !== etag) return false;
        writes++;
        summaries.set(summary.operationId, stamp(summary));
        return true;
      });
    },
    readChunk(operationId, chunk) {
      return later(() => {
        const found = chunks.get(chunkKey(operationId, chunk));
        return found === undefined ? undefined : structuredClone(found);
      });
    },
    readChunks(operationId) {
      return later(() => {
        return [...chunks.entries()]
          .filter(([key]) => key.startsWith(`${operationId}/`))
          .map(([, stored]) => structuredClone(stored.value))
          .sort((a, b) => a.chunk - b.chunk);
      });
    },
    writeChunk(operationId, chunk, etag) {
      return later(() => {
        const key = chunkKey(operationId, chunk.chunk);
        if (chunks.get(key)?.etag !== etag) return false;
        writes++;
        chunks.set(key, stamp(chunk));
        return true;
      });
    },
    recordIntents(operationId, chunk, sessions, intent) {
      return later(() => {
        writes++;
        const journal = journalOf(operationId);
        for (const session of sessions) {
          const key = rowKey(chunk, session);
          journal.set(key, { ...(journal.get(key) ?? { chunk, session }), session: { ...session }, intent });
        }
      });
    },
    recordOutcomes(operationId, chunk, entries) {
      return later(() => {
        writes++;
        const journal = journalOf(operationId);
        for (const entry of entries) {
          const key = rowKey(chunk, entry.session);
          const existing = journal.get(key) ?? { chunk, session: entry.session };
          journal.set(key, {
            ...existing,
            session: { ...entry.session },
            outcome: entry.outcome,
            upstreamStatus: entry.upstreamStatus,
            error: entry.error,
            outcomeRun: entry.outcomeRun,
            verified: entry.verified === true ? true : undefined,
            ...(entry.notification === undefined
              ? {}
              : { notification: entry.notification, notificationError: entry.notificationError }),
          });
        }
      });
    },
    readJournal(operationId, chunk) {
      return later(() => {
        return [...journalOf(operationId).values()]
          .filter((entry) => chunk === undefined || entry.chunk === chunk)
          .map((entry) => structuredClone(entry));
      });
    },
    delete(operationId) {
      return later(() => {
        writes++;
        summaries.delete(operationId);
        journals.delete(operationId);
        for (const key of [...chunks.keys()]) if (key.startsWith(`${operationId}/`)) chunks.delete(key);
      });
    },
  };
}
