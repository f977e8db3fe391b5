import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** 128 random bits, URL-safe: unguessable, and says nothing about when or by whom it was made. */
export function newOperationId(): string {
  return randomBytes(16).toString("base64url");
}

/** 256 random bits: the status URL's credential for one operation. */
export function newStatusToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashStatusToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constant-time over the hashes, so neither the token nor its hash leaks through timing. */
export function statusTokenMatches(presented: string | null | undefined, storedHash: string): boolean {
  if (presented === null || presented === undefined || presented.length === 0 || presented.length > 256) return false;
  const expected = Buffer.from(storedHash, "hex");
  const actual = Buffer.from(hashStatusToken(presented), "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
