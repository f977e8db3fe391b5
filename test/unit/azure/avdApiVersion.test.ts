import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DesktopVirtualizationAPIClient } from "@azure/arm-desktopvirtualization";
import type { TokenCredential } from "@azure/core-auth";
import { avdApiVersion } from "../../../src/lib/azure/listResources";

const credential: TokenCredential = { getToken: () => Promise.resolve(null) };

describe("the AVD API version", () => {
  it("is the one the design card's SDK (a dev dependency, read here only) speaks", () => {
    const client = new DesktopVirtualizationAPIClient(credential, "11111111-1111-4111-8111-111111111111");
    assert.equal(avdApiVersion, client.apiVersion);
  });
});
