import { groupBy } from "../base/groupBy";
import { accountObjectIdKey, objectIdKey } from "../base/objectId";
import { userPrincipalNameKey } from "../base/userPrincipalName";

/** A user as the request names them: by UPN, by Entra object id, or both (at least one). */
export interface RequestedUser {
  readonly userPrincipalName?: string | undefined;
  readonly objectId?: string | undefined;
}

/**
 * How a session relates to a requested user. `otherAccount`: the UPN is the user's, but the session
 * carries another account's object id while the request said which account it means (a UPN that
 * changed hands): never acted on.
 */
export type UserMatch = "objectId" | "userPrincipalName" | "otherAccount";

export interface SessionIdentityFields {
  readonly userPrincipalName?: string | undefined;
  readonly objectId?: string | undefined;
}

/**
 * The matching rule, in one place: the object id when both sides have a real one (the all-zero id
 * names nobody); else the UPN, as long as the session's object id does not name another account
 * than the one the request gave. Without an object id in the request, the UPN decides as it always
 * did.
 */
export function matchRequestedUser(user: RequestedUser, session: SessionIdentityFields): UserMatch | undefined {
  const sessionObjectId = accountObjectIdKey(session.objectId);
  const requestedObjectId = user.objectId === undefined ? undefined : objectIdKey(user.objectId);
  if (requestedObjectId !== undefined && sessionObjectId === requestedObjectId) return "objectId";
  if (
    user.userPrincipalName === undefined ||
    session.userPrincipalName === undefined ||
    userPrincipalNameKey(user.userPrincipalName) !== userPrincipalNameKey(session.userPrincipalName)
  ) {
    return undefined;
  }
  if (requestedObjectId === undefined || sessionObjectId === undefined) return "userPrincipalName";
  return "otherAccount";
}

const strength: Readonly<Record<UserMatch, number>> = { objectId: 3, userPrincipalName: 2, otherAccount: 1 };

/** A session against every requested user: the strongest match wins (any real match is acted on). */
export function strongestMatch(users: Iterable<RequestedUser>, session: SessionIdentityFields): UserMatch | undefined {
  let best: UserMatch | undefined;
  for (const user of users) {
    const match = matchRequestedUser(user, session);
    if (match !== undefined && (best === undefined || strength[match] > strength[best])) best = match;
  }
  return best;
}

/** Two entries naming the same keys (UPN in any ASCII case, GUID in any case) are one user. */
export function requestedUserKey(user: RequestedUser): string {
  return `${user.userPrincipalName === undefined ? "" : userPrincipalNameKey(user.userPrincipalName)}|${
    user.objectId === undefined ? "" : objectIdKey(user.objectId)
  }`;
}

export function dedupeUsers(users: readonly RequestedUser[]): RequestedUser[] {
  const byKey = new Map<string, RequestedUser>();
  for (const user of users) {
    const key = requestedUserKey(user);
    if (!byKey.has(key)) byKey.set(key, user);
  }
  return [...byKey.values()];
}

/** For messages and logs: the UPN, the object id, or both. */
export function describeUser(user: RequestedUser): string {
  if (user.userPrincipalName !== undefined && user.objectId !== undefined) {
    return `${user.userPrincipalName} (object id ${user.objectId})`;
  }
  return user.userPrincipalName ?? user.objectId ?? "";
}

/** Users indexed by their keys, so that a listing is matched without comparing every pair. */
export interface UserIndex {
  readonly users: readonly RequestedUser[];
  readonly byUserPrincipalName: ReadonlyMap<string, readonly RequestedUser[]>;
  readonly byObjectId: ReadonlyMap<string, readonly RequestedUser[]>;
}

export function indexUsers(users: readonly RequestedUser[]): UserIndex {
  const byUserPrincipalName = groupBy(users, (user) =>
    user.userPrincipalName === undefined ? undefined : userPrincipalNameKey(user.userPrincipalName),
  );
  const byObjectId = groupBy(users, (user) => (user.objectId === undefined ? undefined : objectIdKey(user.objectId)));
  return { users, byUserPrincipalName, byObjectId };
}

/** The users a session could relate to: those sharing its UPN or its object id. */
export function candidateUsers(index: UserIndex, session: SessionIdentityFields): RequestedUser[] {
  const byUpn =
    session.userPrincipalName === undefined
      ? undefined
      : index.byUserPrincipalName.get(userPrincipalNameKey(session.userPrincipalName));
  const objectId = accountObjectIdKey(session.objectId);
  const byId = objectId === undefined ? undefined : index.byObjectId.get(objectId);
  return [...(byUpn ?? []), ...(byId ?? [])];
}
