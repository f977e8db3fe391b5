import { orderLimits } from "../engine/orderLimits";

/** Users per chunk: one chunk's users, journal and result each fit one table entity by construction. */
export const maxUsersPerChunk = 200;

/** The most chunks one operation can have; the record is written in one transaction with its summary. */
export const maxChunksPerOperation = Math.ceil(orderLimits.maxAsyncUsers / maxUsersPerChunk);

export function chunkUsers<T>(users: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < users.length; start += maxUsersPerChunk) {
    chunks.push(users.slice(start, start + maxUsersPerChunk));
  }
  return chunks;
}
