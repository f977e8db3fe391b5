import { gunzipSync, gzipSync } from "node:zlib";
import type { TableClient, TableEntityResult, TransactionAction } from "@azure/data-tables";
import { odataStringLiteral } from "../azure/odataFilter";
import type { SignOutReport } from "../engine/signOutReport";
import {
  chunkRowKey,
  summaryRowKey,
  type ChunkRecord,
  type ChunkState,
  type JobSpec,
  type OperationFailure,
  type OperationStatus,
  type OperationSummary,
} from "./operationRecord";

/** A binary property holds at most 64 KiB; an entity at most 1 MiB. */
const partBytes = 60 * 1024;
const maxParts = 14;
const maxSummaryRetries = 20;

type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

export interface Versioned<T> {
  readonly value: T;
  readonly etag: string;
}

export interface StoredOperation {
  readonly summary: Versioned<OperationSummary>;
  readonly chunks: readonly ChunkRecord[];
}

function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

function isConflict(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 412;
}

/** Large JSON (reports) gzipped and spread over binary properties `<name>0`, `<name>1`, … */
function packJson(name: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  const bytes = gzipSync(Buffer.from(JSON.stringify(value), "utf8"));
  const parts = Math.ceil(bytes.byteLength / partBytes);
  if (parts > maxParts)
    throw new Error(`${name} is too large for one table entity (${bytes.byteLength} bytes gzipped)`);
  const properties: Record<string, unknown> = { [`${name}Parts`]: parts };
  for (let part = 0; part < parts; part++) {
    properties[`${name}${part}`] = new Uint8Array(bytes.subarray(part * partBytes, (part + 1) * partBytes));
  }
  return properties;
}

function unpackJson<T>(entity: Record<string, unknown>, name: string): T | undefined {
  const parts = entity[`${name}Parts`];
  if (typeof parts !== "number" || parts === 0) return undefined;
  const buffers: Buffer[] = [];
  for (let part = 0; part < parts; part++) buffers.push(Buffer.from(entity[`${name}${part}`] as Uint8Array));
  return JSON.parse(gunzipSync(Buffer.concat(buffers)).toString("utf8")) as T;
}

function summaryEntity(summary: OperationSummary): Entity {
  return {
    partitionKey: summary.operationId,
    rowKey: summaryRowKey,
    tokenHash: summary.tokenHash,
    status: summary.status,
    createdAt: new Date(summary.createdAt).toISOString(),
    expiresAt: new Date(summary.expiresAt).toISOString(),
    deadlineAt: new Date(summary.deadlineAt).toISOString(),
    ...(summary.completedAt === undefined ? {} : { completedAt: new Date(summary.completedAt).toISOString() }),
    chunkCount: summary.chunkCount,
    userCount: summary.userCount,
    spec: JSON.stringify(summary.spec),
    failures: JSON.stringify(summary.failures),
  };
}

function readSummaryEntity(entity: Record<string, unknown>): OperationSummary {
  const time = (name: string): number => Date.parse(String(entity[name]));
  return {
    operationId: String(entity.partitionKey),
    tokenHash: String(entity.tokenHash),
    status: entity.status as OperationStatus,
    createdAt: time("createdAt"),
    expiresAt: time("expiresAt"),
    deadlineAt: time("deadlineAt"),
    ...(typeof entity.completedAt === "string" ? { completedAt: time("completedAt") } : {}),
    chunkCount: Number(entity.chunkCount),
    userCount: Number(entity.userCount),
    spec: JSON.parse(String(entity.spec)) as JobSpec,
    failures: JSON.parse(typeof entity.failures === "string" ? entity.failures : "[]") as OperationFailure[],
  };
}

function chunkEntity(operationId: string, chunk: ChunkRecord): Entity {
  return {
    partitionKey: operationId,
    rowKey: chunkRowKey(chunk.chunk),
    chunk: chunk.chunk,
    state: chunk.state,
    // 200 UPNs of at most 113 characters fit one string property (32 K characters).
    userPrincipalNames: JSON.stringify(chunk.userPrincipalNames),
    ...(chunk.actAfter === undefined ? {} : { actAfter: new Date(chunk.actAfter).toISOString() }),
    actQueued: chunk.actQueued,
    attempts: chunk.attempts,
    ...(chunk.lastError === undefined ? {} : { lastError: chunk.lastError.slice(0, 2000) }),
    ...packJson("notifyReport", chunk.notifyReport),
    ...packJson("report", chunk.report),
  };
}

function readChunkEntity(entity: Record<string, unknown>): ChunkRecord {
  return {
    chunk: Number(entity.chunk),
    state: entity.state as ChunkState,
    userPrincipalNames: JSON.parse(String(entity.userPrincipalNames)) as string[],
    ...(typeof entity.actAfter === "string" ? { actAfter: Date.parse(entity.actAfter) } : {}),
    actQueued: entity.actQueued === true,
    attempts: Number(entity.attempts ?? 0),
    ...(typeof entity.lastError === "string" ? { lastError: entity.lastError } : {}),
    notifyReport: unpackJson<SignOutReport>(entity, "notifyReport"),
    report: unpackJson<SignOutReport>(entity, "report"),
  };
}

/**
 * The operation store on Table storage: one partition per operation, a summary entity and one
 * entity per chunk of users, so that chunks finishing at once never contend for one ETag.
 */
export function createOperationStore(table: TableClient) {
  const store = {
    /** The summary and every chunk in one transaction: all or nothing. */
    async create(summary: OperationSummary, chunks: readonly ChunkRecord[]): Promise<void> {
      const actions: TransactionAction[] = [
        ["create", summaryEntity(summary)],
        ...chunks.map((chunk): TransactionAction => ["create", chunkEntity(summary.operationId, chunk)]),
      ];
      await table.submitTransaction(actions);
    },

    async readSummary(operationId: string): Promise<Versioned<OperationSummary> | undefined> {
      try {
        const entity = await table.getEntity<Record<string, unknown>>(operationId, summaryRowKey);
        return { value: readSummaryEntity(entity), etag: entity.etag };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async readChunk(operationId: string, chunk: number): Promise<Versioned<ChunkRecord> | undefined> {
      try {
        const entity = await table.getEntity<Record<string, unknown>>(operationId, chunkRowKey(chunk));
        return { value: readChunkEntity(entity), etag: entity.etag };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async readOperation(operationId: string): Promise<StoredOperation | undefined> {
      let summary: Versioned<OperationSummary> | undefined;
      const chunks: ChunkRecord[] = [];
      const entities = table.listEntities<Record<string, unknown>>({
        queryOptions: { filter: `PartitionKey eq ${odataStringLiteral(operationId)}` },
      });
      for await (const entity of entities as AsyncIterable<TableEntityResult<Record<string, unknown>>>) {
        if (entity.rowKey === summaryRowKey) summary = { value: readSummaryEntity(entity), etag: entity.etag };
        else chunks.push(readChunkEntity(entity));
      }
      if (summary === undefined) return undefined;
      return { summary, chunks: chunks.sort((a, b) => a.chunk - b.chunk) };
    },

    /** Replaces a chunk if nobody changed it since `etag` was read; false when someone did. */
    async writeChunk(operationId: string, chunk: ChunkRecord, etag: string): Promise<boolean> {
      try {
        await table.updateEntity(chunkEntity(operationId, chunk), "Replace", { etag });
        return true;
      } catch (error) {
        if (isConflict(error)) return false;
        throw error;
      }
    },

    /**
     * Read, change, write with the ETag, again on 412 (another chunk's consumer wrote in between).
     * `change` returns undefined to leave the summary as it is.
     */
    async updateSummary(
      operationId: string,
      change: (summary: OperationSummary) => OperationSummary | undefined,
    ): Promise<OperationSummary | undefined> {
      for (let attempt = 0; attempt < maxSummaryRetries; attempt++) {
        const current = await store.readSummary(operationId);
        if (current === undefined) return undefined;
        const next = change(current.value);
        if (next === undefined) return current.value;
        try {
          await table.updateEntity(summaryEntity(next), "Replace", { etag: current.etag });
          return next;
        } catch (error) {
          if (!isConflict(error)) throw error;
        }
      }
      throw new Error(`the summary of operation ${operationId} kept changing under ${maxSummaryRetries} attempts`);
    },

    async delete(operationId: string): Promise<void> {
      const stored = await store.readOperation(operationId);
      if (stored === undefined) return;
      const actions: TransactionAction[] = [
        ["delete", { partitionKey: operationId, rowKey: summaryRowKey }],
        ...stored.chunks.map((chunk): TransactionAction => [
          "delete",
          { partitionKey: operationId, rowKey: chunkRowKey(chunk.chunk) },
        ]),
      ];
      await table.submitTransaction(actions);
    },
  };
  return store;
}

export type OperationStore = ReturnType<typeof createOperationStore>;
