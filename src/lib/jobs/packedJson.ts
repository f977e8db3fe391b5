import { gunzipSync, gzipSync } from "node:zlib";
import { tableLimits, type EntityValue } from "./storageLimits";

/** A packed value spreads over at most this many binary properties: 14 × 60 KiB stays under 1 MiB with room. */
export const maxPackedParts = 14;
const partBytes = 60 * 1024;
/** The most a packed value may hold once gzipped. */
export const maxPackedBytes = maxPackedParts * partBytes;

export class PackedValueTooLarge extends Error {
  override readonly name = "PackedValueTooLarge";
}

/**
 * JSON gzipped into binary properties `<name>0`, `<name>1`, … (`<name>Parts` says how many): a
 * string property would hold only 32 K characters, a binary one 64 KiB.
 */
export function packJson(name: string, value: unknown): Record<string, EntityValue> {
  if (value === undefined) return { [`${name}Parts`]: 0 };
  const bytes = gzipSync(Buffer.from(JSON.stringify(value), "utf8"));
  const parts = Math.ceil(bytes.byteLength / partBytes);
  if (parts > maxPackedParts) {
    throw new PackedValueTooLarge(`${name} needs ${bytes.byteLength} bytes gzipped (at most ${maxPackedBytes})`);
  }
  const properties: Record<string, EntityValue> = { [`${name}Parts`]: parts };
  for (let part = 0; part < parts; part++) {
    properties[`${name}${part}`] = new Uint8Array(bytes.subarray(part * partBytes, (part + 1) * partBytes));
  }
  return properties;
}

export function unpackJson(entity: Readonly<Record<string, unknown>>, name: string): unknown {
  const parts = entity[`${name}Parts`];
  if (typeof parts !== "number" || parts === 0) return undefined;
  const buffers: Buffer[] = [];
  for (let part = 0; part < parts; part++) {
    const bytes = entity[`${name}${part}`];
    if (!(bytes instanceof Uint8Array)) throw new Error(`${name}${part} is missing from the entity`);
    buffers.push(Buffer.from(bytes));
  }
  return JSON.parse(gunzipSync(Buffer.concat(buffers)).toString("utf8")) as unknown;
}

// Keeps the part size under the binary limit even if that limit is ever lowered.
if (partBytes > tableLimits.maxBinaryBytes) throw new Error("packed parts exceed a binary property");
