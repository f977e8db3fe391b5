import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chooseListingStrategy, maxUsersForFilteredListing } from "../../../src/lib/engine/listingStrategy";

describe("chooseListingStrategy", () => {
  it("lists each host pool once, unfiltered, unless the operator enabled the server-side filter", () => {
    for (const users of [1, 2, 50, 100]) assert.equal(chooseListingStrategy(users, false), "unfilteredPerHostPool");
  });

  it("filters per user only for a few users when the server-side filter is enabled", () => {
    assert.equal(chooseListingStrategy(1, true), "filteredPerUser");
    assert.equal(chooseListingStrategy(maxUsersForFilteredListing, true), "filteredPerUser");
    assert.equal(chooseListingStrategy(maxUsersForFilteredListing + 1, true), "unfilteredPerHostPool");
  });
});
