import type { ChunkRecord, JournalEntry, JournalIntent, OperationSummary } from "./operationRecord";

/** A record with the version it was read at: a write over it succeeds only if nobody wrote since. */
export interface Versioned<T> {
  readonly value: T;
  readonly etag: string;
}

/** A session as the journal keys it. */
export type SessionFields = JournalEntry["session"];

/** A session's result as the journal records it. */
export type JournalOutcome = Omit<JournalEntry, "chunk" | "intent">;

/**
 * Where an asynchronous operation lives: its summary, one record per chunk of users, and the
 * journal of every session a chunk matched. Writes of the summary and of a chunk are conditional
 * on the version read (see `updateVersioned`); journal writes merge, so deliveries never lose
 * each other's entries. `tableOperationStore.ts` maps it onto Table storage.
 */
export interface OperationStore {
  /** The summary and every chunk, all or nothing. */
  create(summary: OperationSummary, chunks: readonly ChunkRecord[]): Promise<void>;
  readSummary(operationId: string): Promise<Versioned<OperationSummary> | undefined>;
  /** False when the summary changed since `etag` was read. */
  writeSummary(summary: OperationSummary, etag: string): Promise<boolean>;
  readChunk(operationId: string, chunk: number): Promise<Versioned<ChunkRecord> | undefined>;
  readChunks(operationId: string): Promise<ChunkRecord[]>;
  /** False when the chunk changed since `etag` was read. */
  writeChunk(operationId: string, chunk: ChunkRecord, etag: string): Promise<boolean>;
  /** Before a chunk's first write on these sessions: what it is about to do (merged, never clearing an outcome). */
  recordIntents(
    operationId: string,
    chunk: number,
    sessions: readonly SessionFields[],
    intent: JournalIntent | undefined,
  ): Promise<void>;
  /** Outcomes as they landed; a notification already recorded is kept when this write has none. */
  recordOutcomes(operationId: string, chunk: number, entries: readonly JournalOutcome[]): Promise<void>;
  /** One chunk's journal, or the whole operation's. */
  readJournal(operationId: string, chunk?: number): Promise<JournalEntry[]>;
  delete(operationId: string): Promise<void>;
}

/** Another writer at each attempt is a fault (or a storm), not contention worth waiting out. */
const maxAttempts = 20;

export type VersionedUpdate<T> =
  | { readonly kind: "written"; readonly value: T }
  /** `change` declined: the record as it was left. */
  | { readonly kind: "left"; readonly value: T }
  | { readonly kind: "missing" };

/**
 * The one retry loop for conflicting writes: change what was read, write it over that version,
 * and when another writer came in between, read again and decide again. `change` returns
 * undefined to leave the record as it is (it may also do work first, such as writing the journal).
 */
export async function updateVersioned<T>(
  what: string,
  first: Versioned<T> | undefined,
  read: () => Promise<Versioned<T> | undefined>,
  write: (value: T, etag: string) => Promise<boolean>,
  change: (current: T) => Promise<T | undefined> | T | undefined,
): Promise<VersionedUpdate<T>> {
  let current = first ?? (await read());
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    if (current === undefined) return { kind: "missing" };
    const next = await change(current.value);
    if (next === undefined) return { kind: "left", value: current.value };
    if (await write(next, current.etag)) return { kind: "written", value: next };
    current = await read();
  }
  throw new Error(`${what} kept changing under ${maxAttempts} attempts to write it`);
}

/** Read, change, write the summary (see `updateVersioned`); undefined when there is none. */
export async function updateSummary(
  store: OperationStore,
  operationId: string,
  change: (summary: OperationSummary) => OperationSummary | undefined,
): Promise<OperationSummary | undefined> {
  const updated = await updateVersioned(
    `the summary of operation ${operationId}`,
    undefined,
    () => store.readSummary(operationId),
    (summary, etag) => store.writeSummary(summary, etag),
    change,
  );
  return updated.kind === "missing" ? undefined : updated.value;
}
