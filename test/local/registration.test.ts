import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { loadRegisteredHttpFunctions } from "../../local/loadRegisteredHttpFunctions";

describe("function registration", () => {
  it("registers userSignout from package.json main as POST avd/user-signout with function-level auth", () => {
    const registered = loadRegisteredHttpFunctions(path.resolve(__dirname, "..", "..", ".."));
    const userSignout = registered.find((fn) => fn.name === "userSignout");
    assert.ok(userSignout, "userSignout is registered by the built entry point");
    assert.equal(userSignout.route, "avd/user-signout");
    assert.deepEqual(userSignout.methods, ["POST"]);
    assert.equal(userSignout.authLevel, "function");
  });
});
