import type { SignOutOrder } from "./signOutOrder";
import { guidPattern } from "../base/guid";
import { accountObjectIdKey, objectIdKey } from "../base/objectId";
import { userPrincipalNameKey } from "../base/userPrincipalName";
import type { RequestedUser, SessionIdentityFields } from "./requestedUser";

/** AVD_PROTECTED_USERS as match keys: UPNs and object ids (an entry that is a GUID is an object id). */
export interface ProtectedAccounts {
  readonly userPrincipalNames: ReadonlySet<string>;
  readonly objectIds: ReadonlySet<string>;
}

export function protectedAccountsOf(protectedUsers: readonly string[]): ProtectedAccounts {
  const userPrincipalNames = new Set<string>();
  const objectIds = new Set<string>();
  for (const entry of protectedUsers) {
    if (guidPattern.test(entry)) objectIds.add(objectIdKey(entry));
    else userPrincipalNames.add(userPrincipalNameKey(entry));
  }
  return { userPrincipalNames, objectIds };
}

/**
 * A session no request may act on: its object id, or its UPN, is protected. Checked on the session
 * itself, whichever key matched it, so that a protected account renamed (or found by its object id
 * under another UPN) stays protected.
 */
export function isProtectedSession(accounts: ProtectedAccounts, session: SessionIdentityFields): boolean {
  const objectId = accountObjectIdKey(session.objectId);
  if (objectId !== undefined && accounts.objectIds.has(objectId)) return true;
  return (
    session.userPrincipalName !== undefined &&
    accounts.userPrincipalNames.has(userPrincipalNameKey(session.userPrincipalName))
  );
}

/** Which of a requested user's keys are protected: the UPN, the object id, or both. */
export interface ProtectedRequest {
  readonly user: RequestedUser;
  readonly keys: readonly ("userPrincipalName" | "objectId")[];
}

/**
 * The requested users that name a protected account, by UPN or object id, which no request may sign
 * out, disconnect or message. Compared exactly as sessions are matched, so a protected account is
 * refused in any ASCII case and a look-alike is not taken for it. A dry run changes nothing and may
 * look at anyone.
 */
export function findProtectedAccounts(
  order: Pick<SignOutOrder, "users" | "dryRun">,
  protectedUsers: readonly string[],
): ProtectedRequest[] {
  if (order.dryRun || protectedUsers.length === 0) return [];
  const accounts = protectedAccountsOf(protectedUsers);
  return order.users.flatMap((user) => {
    const keys: ProtectedRequest["keys"][number][] = [];
    if (
      user.userPrincipalName !== undefined &&
      accounts.userPrincipalNames.has(userPrincipalNameKey(user.userPrincipalName))
    ) {
      keys.push("userPrincipalName");
    }
    if (user.objectId !== undefined && accounts.objectIds.has(objectIdKey(user.objectId))) keys.push("objectId");
    return keys.length === 0 ? [] : [{ user, keys }];
  });
}
