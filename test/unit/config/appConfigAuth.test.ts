import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAppConfig } from "../../../src/lib/config/appConfig";

const base = { AVD_SUBSCRIPTION_IDS: "11111111-1111-1111-1111-111111111111" };

describe("parseAppConfig: caller settings", () => {
  it("reads App Service Authentication and the required app role", () => {
    const result = parseAppConfig({
      ...base,
      WEBSITE_AUTH_ENABLED: "True",
      REQUIRED_CALLER_ROLE: "AvdSignout.Operator",
    });
    assert.ok(result.ok);
    assert.equal(result.value.authEnabled, true);
    assert.equal(result.value.requiredCallerRole, "AvdSignout.Operator");
  });

  it("defaults to no authentication and no role requirement", () => {
    const result = parseAppConfig(base);
    assert.ok(result.ok);
    assert.equal(result.value.authEnabled, false);
    assert.equal(result.value.requiredCallerRole, undefined);
  });

  it("refuses a role requirement it could not enforce because authentication is off", () => {
    for (const auth of [undefined, "False"]) {
      const result = parseAppConfig({
        ...base,
        REQUIRED_CALLER_ROLE: "AvdSignout.Operator",
        WEBSITE_AUTH_ENABLED: auth,
      });
      assert.equal(result.ok, false);
      if (!result.ok) assert.equal(result.error.setting, "REQUIRED_CALLER_ROLE");
    }
  });
});
