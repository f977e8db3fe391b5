import type { SignOutOrder } from "./signOutOrder";
import { userPrincipalNameKey } from "../base/userPrincipalName";

/**
 * The requested users (as the request spells them) that are protected accounts, which no request
 * may sign out, disconnect or message. Compared exactly as sessions are matched, so a protected
 * account is refused in any ASCII case and a look-alike is not taken for it. A dry run changes
 * nothing and may look at anyone.
 */
export function findProtectedAccounts(
  order: Pick<SignOutOrder, "userPrincipalNames" | "dryRun">,
  protectedUsers: readonly string[],
): string[] {
  if (order.dryRun || protectedUsers.length === 0) return [];
  const protectedKeys = new Set(protectedUsers.map(userPrincipalNameKey));
  return order.userPrincipalNames.filter((upn) => protectedKeys.has(userPrincipalNameKey(upn)));
}
