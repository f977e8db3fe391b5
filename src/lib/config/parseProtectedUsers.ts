import { err, ok, type Result } from "../base/result";
import { userPrincipalNameKey, userPrincipalNameSchema } from "../base/userPrincipalName";

/**
 * `AVD_PROTECTED_USERS`: UPNs separated by commas, semicolons or white space, each checked by the
 * schema a request's UPN is checked by and de-duplicated as sessions are matched (first spelling
 * kept). A problem names the entry by position, never by value: the message reaches callers in a
 * 500, and the list names the tenant's most valuable accounts.
 */
export function parseProtectedUsers(raw: string): Result<readonly string[], string> {
  const entries = raw.split(/[\s,;]+/).filter((entry) => entry !== "");
  const byKey = new Map<string, string>();
  for (const [index, entry] of entries.entries()) {
    const parsed = userPrincipalNameSchema.safeParse(entry);
    if (!parsed.success) {
      const problem = parsed.error.issues[0]?.message ?? "is not a valid user principal name";
      return err(
        `has an entry (number ${index + 1} of ${entries.length}) that is not a user principal name: it ${problem}`,
      );
    }
    const key = userPrincipalNameKey(parsed.data);
    if (!byKey.has(key)) byKey.set(key, parsed.data);
  }
  return ok(Object.freeze([...byKey.values()]));
}
