import type { ListingStrategy } from "./report/signOutReport";

/** Up to this many users, a filtered listing per user is used when the service filter is enabled. */
export const maxUsersForFilteredListing = 3;

/**
 * One unfiltered listing of a host pool answers for any number of users, so it is never worse in
 * calls than one listing per user; the filtered form only saves bytes, and is only safe where the
 * operator has confirmed the service compares UPNs case-insensitively (AVD_SERVER_SIDE_FILTER),
 * since a case-sensitive filter would hide `Alice@…` from a search for `alice@…`. Hence: filtered
 * per user only when that setting is on and the users are few; otherwise one listing per host pool
 * matched against the whole set. Either way the client-side comparison alone decides a match.
 * A request that names an object id is never filtered by UPN: a session opened before a rename
 * carries the old UPN, which a filter on the new one hides (and no filter on object ids exists).
 */
export function chooseListingStrategy(
  userCount: number,
  serverSideFilter: boolean,
  namesObjectIds = false,
): ListingStrategy {
  return serverSideFilter && !namesObjectIds && userCount <= maxUsersForFilteredListing
    ? "filteredPerUser"
    : "unfilteredPerHostPool";
}
