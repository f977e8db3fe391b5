import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeFunctionApp } from "../../local/forkFunctionsHost";
import { triggerOf } from "../support/triggerOf";

describe("function registration", () => {
  it("registers userSignout from package.json main as POST avd/user-signout with function-level auth", async () => {
    const registered = await describeFunctionApp(process.env);
    const userSignout = registered.find((fn) => fn.name === "userSignout");
    assert.ok(userSignout, "userSignout is registered by the built entry point");
    const trigger = triggerOf(userSignout);
    assert.equal(trigger.type, "httpTrigger");
    assert.equal(trigger.route, "avd/user-signout");
    assert.deepEqual(trigger.methods, ["POST"]);
    assert.equal(trigger.authLevel, "function");
  });
});
