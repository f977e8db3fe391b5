import { err, ok, type Result } from "../base/result";
import { guidPattern } from "../base/guid";
import { objectIdKey, zeroObjectId } from "../base/objectId";
import { userPrincipalNameKey, userPrincipalNameSchema } from "../base/userPrincipalName";

/**
 * `AVD_PROTECTED_USERS`: UPNs and Entra object ids (GUIDs; protection by object id survives a
 * rename) separated by commas, semicolons or white space. A UPN is checked by the schema a
 * request's UPN is checked by; each entry is de-duplicated as sessions are matched (first spelling
 * kept). A problem names the entry by position, never by value: the message reaches callers in a
 * 500, and the list names the tenant's most valuable accounts.
 */
export function parseProtectedUsers(raw: string): Result<readonly string[], string> {
  const entries = raw.split(/[\s,;]+/).filter((entry) => entry !== "");
  const byKey = new Map<string, string>();
  for (const [index, entry] of entries.entries()) {
    const position = `(number ${index + 1} of ${entries.length})`;
    if (guidPattern.test(entry)) {
      if (objectIdKey(entry) === zeroObjectId) {
        return err(`has an entry ${position} that is the all-zero object id, which names nobody`);
      }
      const key = `id:${objectIdKey(entry)}`;
      if (!byKey.has(key)) byKey.set(key, entry);
      continue;
    }
    const parsed = userPrincipalNameSchema.safeParse(entry);
    if (!parsed.success) {
      const problem = parsed.error.issues[0]?.message ?? "is not a valid user principal name";
      return err(
        `has an entry ${position} that is neither a user principal name nor an object id (GUID): it ${problem}`,
      );
    }
    const key = userPrincipalNameKey(parsed.data);
    if (!byKey.has(key)) byKey.set(key, parsed.data);
  }
  return ok(Object.freeze([...byKey.values()]));
}
