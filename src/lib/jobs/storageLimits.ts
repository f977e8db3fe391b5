/**
 * Azure Storage's documented limits (Table and Queue service docs, 2026-12). Azurite enforces only
 * some of them, so the store checks every entity against these before writing it.
 */
export const tableLimits = Object.freeze({
  /** Bytes in one entity, counted as the service counts (`entitySizeBytes`). */
  maxEntityBytes: 1024 * 1024,
  /** UTF-16 code units in one string property (64 KiB). */
  maxStringLength: 32 * 1024,
  /** Bytes in one binary property. */
  maxBinaryBytes: 64 * 1024,
  /** Custom properties per entity (255 less PartitionKey, RowKey and Timestamp). */
  maxProperties: 252,
  /** Entities in one entity group transaction, all of one partition. */
  maxTransactionEntities: 100,
});

export const queueLimits = Object.freeze({
  /** Bytes in one message as stored (base64 included). */
  maxMessageBytes: 64 * 1024,
});

export type EntityValue = string | number | boolean | Uint8Array | Date;
export type TableEntity = { readonly partitionKey: string; readonly rowKey: string } & Readonly<
  Record<string, EntityValue | undefined>
>;

function valueBytes(value: EntityValue): number {
  if (typeof value === "string") return value.length * 2 + 4;
  if (typeof value === "boolean") return 1;
  if (value instanceof Uint8Array) return value.byteLength + 4;
  // Numbers as Int64/Double and dates as DateTime: 8 bytes each.
  return 8;
}

/**
 * The entity's size as the Table service counts it: 4 bytes, the keys in UTF-16, and for each
 * property 8 bytes, its name in UTF-16 and its value.
 */
export function entitySizeBytes(entity: TableEntity): number {
  let size = 4 + (entity.partitionKey.length + entity.rowKey.length) * 2;
  for (const [name, value] of Object.entries(entity)) {
    if (name === "partitionKey" || name === "rowKey" || value === undefined) continue;
    size += 8 + name.length * 2 + valueBytes(value);
  }
  return size;
}

/** Which limit the entity breaks, if any: checked before every write, so the service never refuses one. */
export function entityLimitProblem(entity: TableEntity): string | undefined {
  let properties = 0;
  for (const [name, value] of Object.entries(entity)) {
    if (name === "partitionKey" || name === "rowKey" || value === undefined) continue;
    properties++;
    if (typeof value === "string" && value.length > tableLimits.maxStringLength) {
      return `property ${name} holds ${value.length} characters (at most ${tableLimits.maxStringLength})`;
    }
    if (value instanceof Uint8Array && value.byteLength > tableLimits.maxBinaryBytes) {
      return `property ${name} holds ${value.byteLength} bytes (at most ${tableLimits.maxBinaryBytes})`;
    }
  }
  if (properties > tableLimits.maxProperties) {
    return `the entity has ${properties} properties (at most ${tableLimits.maxProperties})`;
  }
  const size = entitySizeBytes(entity);
  if (size > tableLimits.maxEntityBytes) return `the entity is ${size} bytes (at most ${tableLimits.maxEntityBytes})`;
  return undefined;
}
