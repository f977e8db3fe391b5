import { sessionKey } from "../../src/lib/engine/sessionKey";
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
    if (journal === undefined) journals.set(operationId, (journal = new Map()));
    return journal;
  };
  const rowKey = (chunk: number, session: JournalEntry["session"]): string => `${chunk}/${sessionKey(session)}`;

  return {
    writes: () => writes,
    async create(summary, records) {
      if (summaries.has(summary.operationId)) throw new Error(`operation ${summary.operationId} exists`);
      writes++;
      summaries.set(summary.operationId, stamp(summary));
      for (const record of records) chunks.set(chunkKey(summary.operationId, record.chunk), stamp(record));
    },
    async readSummary(operationId) {
      const found = summaries.get(operationId);
      return found === undefined ? undefined : structuredClone(found);
    },
    async writeSummary(summary, etag) {
      if (summaries.get(summary.operationId)?.etag !== etag) return false;
      writes++;
      summaries.set(summary.operationId, stamp(summary));
      return true;
    },
    async readChunk(operationId, chunk) {
      const found = chunks.get(chunkKey(operationId, chunk));
      return found === undefined ? undefined : structuredClone(found);
    },
    async readChunks(operationId) {
      return [...chunks.entries()]
        .filter(([key]) => key.startsWith(`${operationId}/`))
        .map(([, stored]) => structuredClone(stored.value))
        .sort((a, b) => a.chunk - b.chunk);
    },
    async writeChunk(operationId, chunk, etag) {
      const key = chunkKey(operationId, chunk.chunk);
      if (chunks.get(key)?.etag !== etag) return false;
      writes++;
      chunks.set(key, stamp(chunk));
      return true;
    },
    async recordIntents(operationId, chunk, sessions, intent) {
      writes++;
      const journal = journalOf(operationId);
      for (const session of sessions) {
        const key = rowKey(chunk, session);
        journal.set(key, { ...(journal.get(key) ?? { chunk, session }), session: { ...session }, intent });
      }
    },
    async recordOutcomes(operationId, chunk, entries) {
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
    },
    async readJournal(operationId, chunk) {
      return [...journalOf(operationId).values()]
        .filter((entry) => chunk === undefined || entry.chunk === chunk)
        .map((entry) => structuredClone(entry));
    },
    async delete(operationId) {
      writes++;
      summaries.delete(operationId);
      journals.delete(operationId);
      for (const key of [...chunks.keys()]) if (key.startsWith(`${operationId}/`)) chunks.delete(key);
    },
  };
}
