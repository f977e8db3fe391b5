import { z } from "zod";
import { guidPattern, guidPatternSource } from "./guid";

/**
 * The id the service reports for sessions whose account it does not know (Azure/azure-powershell
 * #18134): it names nobody, so it never matches a request and a request may never name it.
 */
export const zeroObjectId = "00000000-0000-0000-0000-000000000000";

/** GUIDs compare case-insensitively. */
export function objectIdKey(objectId: string): string {
  return objectId.toLowerCase();
}

/** A session's object id as a match key: undefined when absent, not a GUID, or all zeros. */
export function accountObjectIdKey(objectId: string | undefined): string | undefined {
  if (objectId === undefined || !guidPattern.test(objectId)) return undefined;
  const key = objectIdKey(objectId);
  return key === zeroObjectId ? undefined : key;
}

export const userObjectIdSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
  .max(36, { error: "must be an Entra object id (GUID)", abort: true })
  .regex(guidPattern, { error: "must be an Entra object id (GUID)", abort: true })
  .refine((value) => value !== zeroObjectId, {
    error:
      "must not be the all-zero id, which names nobody (sessions report it when the service does not know the account)",
  })
  // The OpenAPI document refuses the zero id too.
  .meta({ pattern: `^(?!0{8}-0{4}-0{4}-0{4}-0{12}$)${guidPatternSource}$` });
