import { createHash } from "node:crypto";
import type { TableClient, TableEntityResult, TransactionAction } from "@azure/data-tables";
import { z } from "zod";
import { odataStringLiteral } from "../azure/odataFilter";
import { signOutModes, sessionKey } from "../engine/report";
import type { RequestedUser } from "../engine/requestedUser";
import { maxUsersPerChunk } from "./chunkUsers";
import { packJson, unpackJson } from "./packedJson";
import { entityLimitProblem, tableLimits, type EntityValue, type TableEntity } from "./storageLimits";
import {
  chunkRowKey,
  maxOperationFailures,
  summaryRowKey,
  type ChunkRecord,
  type ChunkResult,
  type ChunkState,
  type JournalEntry,
  type NotificationCounts,
  type OperationFailure,
  type OperationStatus,
  type OperationSummary,
} from "./operationRecord";
import type { JournalOutcome, OperationStore, SessionFields, Versioned } from "./operationStore";

/** Free text kept on a record: long enough to say what failed, short enough to bound the entity. */
const maxStoredTextLength = 1000;

/** Thrown when an entity would break a documented Table limit: a fault in our sizing, never sent. */
export class EntityTooLarge extends Error {
  override readonly name = "EntityTooLarge";
}

function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === "number" ? code : undefined;
}

function clip(text: string, length = maxStoredTextLength): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function checked(entity: TableEntity): TableEntity {
  const problem = entityLimitProblem(entity);
  if (problem !== undefined) throw new EntityTooLarge(`${entity.rowKey}: ${problem}`);
  return entity;
}

const time = (value: number | undefined): string | undefined =>
  value === undefined ? undefined : new Date(value).toISOString();
const readTime = (value: unknown): number | undefined => (typeof value === "string" ? Date.parse(value) : undefined);

const specSchema = z.object({
  batch: z.boolean(),
  mode: z.enum(signOutModes),
  dryRun: z.boolean(),
  gracePeriodMs: z.number().min(0),
  verify: z.boolean().optional(),
  subscriptionIds: z.array(z.string()),
  hostPools: z.array(z.string()).optional(),
  notify: z.object({ title: z.string(), message: z.string() }).optional(),
  audit: z
    .object({
      requestedBy: z.string().optional(),
      reason: z.string().optional(),
      caller: z
        .object({
          name: z.string().optional(),
          objectId: z.string().optional(),
          identityProvider: z.string().optional(),
          roles: z.array(z.string()),
        })
        .optional(),
    })
    .optional(),
});
/**
 * A chunk's users: a UPN alone is stored as a string (as every record written before object ids
 * existed holds them), a user with an object id as an object.
 */
const usersSchema = z
  .array(
    z.union([
      z.string().max(1024),
      z.strictObject({ userPrincipalName: z.string().max(1024).optional(), objectId: z.string().max(36).optional() }),
    ]),
  )
  .max(maxUsersPerChunk)
  .transform((users) =>
    users.map((user): RequestedUser => (typeof user === "string" ? { userPrincipalName: user } : user)),
  );

function storedUsers(users: readonly RequestedUser[]): (string | RequestedUser)[] {
  return users.map((user) =>
    user.objectId === undefined && user.userPrincipalName !== undefined ? user.userPrincipalName : user,
  );
}
const failuresSchema = z.array(z.object({ code: z.string(), message: z.string() }));

function summaryEntity(summary: OperationSummary): TableEntity {
  return checked({
    partitionKey: summary.operationId,
    rowKey: summaryRowKey,
    tokenHash: summary.tokenHash,
    status: summary.status,
    createdAt: time(summary.createdAt),
    expiresAt: time(summary.expiresAt),
    deadlineAt: time(summary.deadlineAt),
    completedAt: time(summary.completedAt),
    chunkCount: summary.chunkCount,
    userCount: summary.userCount,
    ...packJson("spec", summary.spec),
    failures: JSON.stringify(
      summary.failures
        .slice(0, maxOperationFailures)
        .map((failure) => ({ code: clip(failure.code, 64), message: clip(failure.message) })),
    ),
  });
}

function readSummaryEntity(entity: Record<string, unknown>): OperationSummary {
  return {
    operationId: String(entity.partitionKey),
    tokenHash: String(entity.tokenHash),
    status: String(entity.status) as OperationStatus,
    createdAt: readTime(entity.createdAt) ?? 0,
    expiresAt: readTime(entity.expiresAt) ?? 0,
    deadlineAt: readTime(entity.deadlineAt) ?? 0,
    completedAt: readTime(entity.completedAt),
    chunkCount: Number(entity.chunkCount),
    userCount: Number(entity.userCount),
    spec: specSchema.parse(unpackJson(entity, "spec")),
    failures: failuresSchema.parse(JSON.parse(typeof entity.failures === "string" ? entity.failures : "[]")),
  };
}

function chunkEntity(operationId: string, chunk: ChunkRecord): TableEntity {
  return checked({
    partitionKey: operationId,
    rowKey: chunkRowKey(chunk.chunk),
    chunk: chunk.chunk,
    state: chunk.state,
    ...packJson("users", storedUsers(chunk.users)),
    actAfter: time(chunk.actAfter),
    actQueued: chunk.actQueued,
    attempts: chunk.attempts,
    lastError: chunk.lastError === undefined ? undefined : clip(chunk.lastError),
    failure:
      chunk.failure === undefined
        ? undefined
        : JSON.stringify({ code: clip(chunk.failure.code, 64), message: clip(chunk.failure.message) }),
    ...packJson("notified", chunk.notified),
    ...packJson("result", chunk.result),
  });
}

function readChunkEntity(entity: Record<string, unknown>): ChunkRecord {
  return {
    chunk: Number(entity.chunk),
    state: String(entity.state) as ChunkState,
    users: usersSchema.parse(unpackJson(entity, "users")),
    actAfter: readTime(entity.actAfter),
    actQueued: entity.actQueued === true,
    attempts: Number(entity.attempts ?? 0),
    lastError: typeof entity.lastError === "string" ? entity.lastError : undefined,
    failure: typeof entity.failure === "string" ? (JSON.parse(entity.failure) as OperationFailure) : undefined,
    notified: unpackJson(entity, "notified") as NotificationCounts | undefined,
    result: unpackJson(entity, "result") as ChunkResult | undefined,
  };
}

/** The journal's row key: the chunk, then a hash of the session's key (row keys forbid `/`). */
export function journalRowKey(chunk: number, key: string): string {
  return `s-${String(chunk).padStart(4, "0")}-${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
}

function journalRange(chunk: number | undefined): string {
  const prefix = chunk === undefined ? "s-" : `s-${String(chunk).padStart(4, "0")}-`;
  const end = `${prefix.slice(0, -1)}.`;
  return `RowKey ge ${odataStringLiteral(prefix)} and RowKey lt ${odataStringLiteral(end)}`;
}

function sessionFields(session: SessionFields): Record<string, EntityValue> {
  return {
    subscriptionId: session.subscriptionId,
    resourceGroup: session.resourceGroup,
    hostPool: session.hostPool,
    sessionHost: session.sessionHost,
    sessionId: session.sessionId,
    userPrincipalName: session.userPrincipalName,
    sessionState: clip(session.sessionState, 64),
    ...(session.objectId === undefined ? {} : { objectId: clip(session.objectId, 64) }),
    ...(session.matchedBy === undefined ? {} : { matchedBy: session.matchedBy }),
    ...(session.sessionHostStatus === undefined ? {} : { sessionHostStatus: clip(session.sessionHostStatus, 64) }),
  };
}

function journalEntity(
  operationId: string,
  chunk: number,
  session: SessionFields,
  fields: Record<string, EntityValue | undefined>,
): TableEntity {
  return checked({
    partitionKey: operationId,
    rowKey: journalRowKey(chunk, sessionKey(session)),
    chunk,
    ...sessionFields(session),
    ...fields,
  });
}

function readJson<T>(value: unknown): T | undefined {
  return typeof value === "string" && value !== "" ? (JSON.parse(value) as T) : undefined;
}

function readJournalEntity(entity: Record<string, unknown>): JournalEntry {
  const text = (name: string): string => (typeof entity[name] === "string" ? entity[name] : "");
  const outcome = text("outcome");
  const intent = text("intent");
  const notification = text("notification");
  const matchedBy = text("matchedBy");
  const status = Number(entity.upstreamStatus ?? 0);
  return {
    chunk: Number(entity.chunk),
    session: {
      subscriptionId: text("subscriptionId"),
      resourceGroup: text("resourceGroup"),
      hostPool: text("hostPool"),
      sessionHost: text("sessionHost"),
      sessionId: text("sessionId"),
      userPrincipalName: text("userPrincipalName"),
      sessionState: text("sessionState"),
      ...(text("objectId") === "" ? {} : { objectId: text("objectId") }),
      ...(matchedBy === "objectId" || matchedBy === "userPrincipalName" ? { matchedBy } : {}),
      ...(text("sessionHostStatus") === "" ? {} : { sessionHostStatus: text("sessionHostStatus") }),
    },
    intent: intent === "act" || intent === "notify" ? intent : undefined,
    outcome: outcome === "" ? undefined : (outcome as JournalEntry["outcome"]),
    upstreamStatus: status > 0 ? status : undefined,
    error: readJson(entity.error),
    notification: notification === "" ? undefined : (notification as JournalEntry["notification"]),
    notificationError: readJson(entity.notificationError),
    outcomeRun: text("outcomeRun") || undefined,
    verified: entity.verified === true ? true : undefined,
  };
}

function errorText(error: { code: string; message: string; statusCode?: number | undefined } | undefined): string {
  return error === undefined
    ? ""
    : JSON.stringify({ ...error, code: clip(error.code, 64), message: clip(error.message, 500) });
}

/**
 * The operation store on Table storage: one partition per operation holding a summary entity, one
 * entity per chunk of users (so chunks finishing at once never contend for one ETag) and one
 * journal entity per session a chunk matched. Every entity is checked against the documented
 * limits before it is written.
 */
export function createTableOperationStore(table: TableClient): OperationStore {
  async function submit(actions: readonly TransactionAction[]): Promise<void> {
    for (let start = 0; start < actions.length; start += tableLimits.maxTransactionEntities) {
      await table.submitTransaction(actions.slice(start, start + tableLimits.maxTransactionEntities));
    }
  }

  async function list(operationId: string, rows: string): Promise<TableEntityResult<Record<string, unknown>>[]> {
    const found: TableEntityResult<Record<string, unknown>>[] = [];
    const entities = table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq ${odataStringLiteral(operationId)} and ${rows}` },
    });
    for await (const entity of entities) found.push(entity);
    return found;
  }

  return {
    /**
     * The summary and every chunk in one transaction: all or nothing (an operation has at most
     * `maxChunksPerOperation` + 1 entities, within one transaction's 100).
     */
    async create(summary: OperationSummary, chunks: readonly ChunkRecord[]): Promise<void> {
      const actions: TransactionAction[] = [
        ["create", summaryEntity(summary)],
        ...chunks.map((chunk): TransactionAction => ["create", chunkEntity(summary.operationId, chunk)]),
      ];
      if (actions.length > tableLimits.maxTransactionEntities) {
        throw new EntityTooLarge(`an operation of ${chunks.length} chunks does not fit one transaction`);
      }
      await table.submitTransaction(actions);
    },

    /** One point read: what the status URL checks the token against, before anything else is read. */
    async readSummary(operationId: string): Promise<Versioned<OperationSummary> | undefined> {
      try {
        const entity = await table.getEntity<Record<string, unknown>>(operationId, summaryRowKey);
        return { value: readSummaryEntity(entity), etag: entity.etag };
      } catch (error) {
        if (statusCodeOf(error) === 404) return undefined;
        throw error;
      }
    },

    async readChunk(operationId: string, chunk: number): Promise<Versioned<ChunkRecord> | undefined> {
      try {
        const entity = await table.getEntity<Record<string, unknown>>(operationId, chunkRowKey(chunk));
        return { value: readChunkEntity(entity), etag: entity.etag };
      } catch (error) {
        if (statusCodeOf(error) === 404) return undefined;
        throw error;
      }
    },

    async readChunks(operationId: string): Promise<ChunkRecord[]> {
      const rows = `RowKey ge 'chunk-' and RowKey lt 'chunk.'`;
      return (await list(operationId, rows)).map(readChunkEntity).sort((a, b) => a.chunk - b.chunk);
    },

    /** Replaces a chunk if nobody changed it since `etag` was read; false when someone did. */
    async writeChunk(operationId: string, chunk: ChunkRecord, etag: string): Promise<boolean> {
      try {
        await table.updateEntity(chunkEntity(operationId, chunk), "Replace", { etag });
        return true;
      } catch (error) {
        if (statusCodeOf(error) === 412) return false;
        throw error;
      }
    },

    /** Replaces the summary if nobody changed it since `etag` was read; false when someone did. */
    async writeSummary(summary: OperationSummary, etag: string): Promise<boolean> {
      try {
        await table.updateEntity(summaryEntity(summary), "Replace", { etag });
        return true;
      } catch (error) {
        if (statusCodeOf(error) === 412) return false;
        throw error;
      }
    },

    /** Before a chunk's first write on these sessions: what it is about to do (merged, never clearing an outcome). */
    async recordIntents(
      operationId: string,
      chunk: number,
      sessions: readonly SessionFields[],
      intent: JournalEntry["intent"],
    ): Promise<void> {
      await submit(
        sessions.map((session): TransactionAction => [
          "upsert",
          journalEntity(operationId, chunk, session, { intent }),
          "Merge",
        ]),
      );
    },

    /** Outcomes as they landed; a notification already recorded is kept when this write has none. */
    async recordOutcomes(operationId: string, chunk: number, entries: readonly JournalOutcome[]): Promise<void> {
      await submit(
        entries.map((entry): TransactionAction => [
          "upsert",
          journalEntity(operationId, chunk, entry.session, {
            outcome: entry.outcome ?? "",
            upstreamStatus: entry.upstreamStatus ?? 0,
            error: errorText(entry.error),
            outcomeRun: entry.outcomeRun ?? "",
            verified: entry.verified === true,
            ...(entry.notification === undefined
              ? {}
              : { notification: entry.notification, notificationError: errorText(entry.notificationError) }),
          }),
          "Merge",
        ]),
      );
    },

    /** One chunk's journal, or the whole operation's. */
    async readJournal(operationId: string, chunk?: number): Promise<JournalEntry[]> {
      return (await list(operationId, journalRange(chunk))).map(readJournalEntity);
    },

    /** Every entity of the operation, in transactions of at most 100. */
    async delete(operationId: string): Promise<void> {
      const rows: TransactionAction[] = [];
      const entities = table.listEntities<Record<string, unknown>>({
        queryOptions: { filter: `PartitionKey eq ${odataStringLiteral(operationId)}`, select: ["RowKey"] },
      });
      for await (const entity of entities)
        rows.push(["delete", { partitionKey: operationId, rowKey: entity.rowKey ?? "" }]);
      await submit(rows);
    },
  };
}
