import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAppConfig, type Environment } from "../../../src/lib/config/appConfig";

const subscription = "11111111-1111-1111-1111-111111111111";
const base: Environment = { AVD_SUBSCRIPTION_IDS: subscription };

function expectConfigurationError(env: Environment, setting: string): string {
  const result = parseAppConfig(env);
  assert.equal(result.ok, false, `expected a configuration error for ${setting}`);
  if (result.ok) return "";
  assert.equal(result.error.code, "ConfigurationError");
  assert.equal(result.error.setting, setting);
  assert.match(result.error.message, new RegExp(setting));
  return result.error.message;
}

describe("parseAppConfig", () => {
  it("applies the documented defaults for the public cloud", () => {
    const result = parseAppConfig(base);
    assert.ok(result.ok);
    assert.deepEqual(result.value.subscriptionIds, [subscription]);
    assert.equal(result.value.resourceManagerEndpoint, "https://management.azure.com");
    assert.equal(result.value.tokenScope, "https://management.azure.com/.default");
    assert.equal(result.value.scanGatherMs, 10);
    assert.deepEqual(result.value.armBudget, {
      read: { burst: 250, perSecond: 25 },
      delete: { burst: 200, perSecond: 10 },
      write: { burst: 200, perSecond: 10 },
      maxInFlight: 512,
    });
    assert.equal(result.value.deadlineMs, 90_000);
    assert.equal(result.value.serverSideFilter, false);
    assert.equal(result.value.verifyWindowMs, 30_000);
    assert.deepEqual(result.value.protectedUsers, []);
    assert.equal(result.value.credential, "developer");
    assert.equal(result.value.managedIdentityClientId, undefined);
    assert.ok(Object.isFrozen(result.value));
  });

  it("keeps the token audience of the cloud when only the endpoint URL changes", () => {
    const result = parseAppConfig({ ...base, AZURE_RESOURCE_MANAGER_ENDPOINT: "https://127.0.0.1:8443/" });
    assert.ok(result.ok);
    assert.equal(result.value.resourceManagerEndpoint, "https://127.0.0.1:8443");
    assert.equal(result.value.tokenScope, "https://management.azure.com/.default");
  });

  it("follows the sovereign cloud for both endpoint and audience", () => {
    const gov = parseAppConfig({ ...base, AZURE_CLOUD: "AzureUSGovernment" });
    assert.ok(gov.ok);
    assert.equal(gov.value.resourceManagerEndpoint, "https://management.usgovcloudapi.net");
    assert.equal(gov.value.tokenScope, "https://management.core.usgovcloudapi.net/.default");
    const china = parseAppConfig({ ...base, AZURE_CLOUD: "AzureChinaCloud" });
    assert.ok(china.ok);
    assert.equal(china.value.tokenScope, "https://management.core.chinacloudapi.cn/.default");
  });

  it("lets the audience be overridden on its own", () => {
    const result = parseAppConfig({ ...base, AZURE_RESOURCE_MANAGER_AUDIENCE: "https://management.core.windows.net/" });
    assert.ok(result.ok);
    assert.equal(result.value.tokenScope, "https://management.core.windows.net/.default");
  });

  it("uses the managed identity when the platform announces it, user-assigned with AZURE_CLIENT_ID", () => {
    const system = parseAppConfig({ ...base, IDENTITY_ENDPOINT: "http://127.0.0.1:1/msi", IDENTITY_HEADER: "secret" });
    assert.ok(system.ok);
    assert.equal(system.value.credential, "managedIdentity");
    assert.equal(system.value.managedIdentityClientId, undefined);
    const clientId = "33333333-3333-3333-3333-333333333333";
    const user = parseAppConfig({
      ...base,
      IDENTITY_ENDPOINT: "http://127.0.0.1:1/msi",
      IDENTITY_HEADER: "secret",
      AZURE_CLIENT_ID: clientId,
    });
    assert.ok(user.ok);
    assert.equal(user.value.managedIdentityClientId, clientId);
  });

  it("parses the tuning settings", () => {
    const result = parseAppConfig({
      ...base,
      AVD_ARM_MAX_SOCKETS: "8",
      AVD_ARM_READS_PER_SECOND: "12.5",
      AVD_SCAN_GATHER_MS: "0",
      AVD_DEADLINE_SECONDS: "2.5",
      AVD_SERVER_SIDE_FILTER: "TRUE",
      AVD_VERIFY_WINDOW_SECONDS: "0",
    });
    assert.ok(result.ok);
    assert.equal(result.value.armBudget.maxInFlight, 8);
    assert.equal(result.value.armBudget.read.perSecond, 12.5);
    assert.equal(result.value.scanGatherMs, 0);
    assert.equal(result.value.deadlineMs, 2500);
    assert.equal(result.value.serverSideFilter, true);
    assert.equal(result.value.verifyWindowMs, 0);
  });

  it("names AVD_SUBSCRIPTION_IDS when it is missing, empty or malformed", () => {
    assert.match(expectConfigurationError({}, "AVD_SUBSCRIPTION_IDS"), /missing or empty/);
    expectConfigurationError({ AVD_SUBSCRIPTION_IDS: " " }, "AVD_SUBSCRIPTION_IDS");
    assert.match(expectConfigurationError({ AVD_SUBSCRIPTION_IDS: "abc" }, "AVD_SUBSCRIPTION_IDS"), /"abc"/);
  });

  it("names every other malformed setting", () => {
    expectConfigurationError({ ...base, AZURE_CLOUD: "Mars" }, "AZURE_CLOUD");
    expectConfigurationError(
      { ...base, AZURE_RESOURCE_MANAGER_ENDPOINT: "http://127.0.0.1:1" },
      "AZURE_RESOURCE_MANAGER_ENDPOINT",
    );
    expectConfigurationError(
      { ...base, AZURE_RESOURCE_MANAGER_ENDPOINT: "not a url" },
      "AZURE_RESOURCE_MANAGER_ENDPOINT",
    );
    expectConfigurationError(
      { ...base, AZURE_RESOURCE_MANAGER_AUDIENCE: "management" },
      "AZURE_RESOURCE_MANAGER_AUDIENCE",
    );
    expectConfigurationError({ ...base, AZURE_CLIENT_ID: "my-identity" }, "AZURE_CLIENT_ID");
    expectConfigurationError({ ...base, AVD_ARM_MAX_SOCKETS: "0" }, "AVD_ARM_MAX_SOCKETS");
    expectConfigurationError({ ...base, AVD_ARM_MAX_SOCKETS: "2.5" }, "AVD_ARM_MAX_SOCKETS");
    expectConfigurationError({ ...base, AVD_ARM_MAX_SOCKETS: "many" }, "AVD_ARM_MAX_SOCKETS");
    expectConfigurationError({ ...base, AVD_DEADLINE_SECONDS: "600" }, "AVD_DEADLINE_SECONDS");
    expectConfigurationError({ ...base, AVD_DEADLINE_SECONDS: "soon" }, "AVD_DEADLINE_SECONDS");
    expectConfigurationError({ ...base, AVD_SERVER_SIDE_FILTER: "maybe" }, "AVD_SERVER_SIDE_FILTER");
    expectConfigurationError({ ...base, AVD_VERIFY_WINDOW_SECONDS: "601" }, "AVD_VERIFY_WINDOW_SECONDS");
    expectConfigurationError({ ...base, AVD_VERIFY_WINDOW_SECONDS: "1.5" }, "AVD_VERIFY_WINDOW_SECONDS");
  });

  it("takes the ARM endpoint and audience as bare https origins only", () => {
    for (const setting of ["AZURE_RESOURCE_MANAGER_ENDPOINT", "AZURE_RESOURCE_MANAGER_AUDIENCE"]) {
      for (const value of [
        "https://management.azure.com/subscriptions",
        "https://management.azure.com/x/",
        "https://management.azure.com?x=1",
        "https://management.azure.com/?",
        "https://management.azure.com#top",
        "https://user:pw@management.azure.com",
        "https://@management.azure.com",
        "https://management.azure.com\\x",
        " https://management.azure.com",
        "https://management.azure.com //",
        "http://management.azure.com",
        "ftp://management.azure.com",
        "management.azure.com",
      ]) {
        assert.match(expectConfigurationError({ ...base, [setting]: value }, setting), /bare https:\/\/ origin/, value);
      }
      for (const [value, origin] of [
        ["https://management.azure.com", "https://management.azure.com"],
        ["https://management.azure.com/", "https://management.azure.com"],
        ["HTTPS://Management.Azure.com:443/", "https://management.azure.com"],
        ["https://127.0.0.1:8443", "https://127.0.0.1:8443"],
        ["https://[::1]:8443/", "https://[::1]:8443"],
      ] as const) {
        const result = parseAppConfig({ ...base, [setting]: value });
        assert.ok(result.ok, value);
        assert.equal(
          setting === "AZURE_RESOURCE_MANAGER_ENDPOINT"
            ? result.value.resourceManagerEndpoint
            : result.value.tokenScope,
          setting === "AZURE_RESOURCE_MANAGER_ENDPOINT" ? origin : `${origin}/.default`,
        );
      }
    }
  });

  it("takes numbers written in plain decimal digits only", () => {
    for (const value of ["0x10", "1e3", " 12", "12 ", " 12 ", "+12", "-0", "12.", ".5", "1_000", "Infinity", "١٢"]) {
      assert.match(
        expectConfigurationError({ ...base, AVD_ARM_MAX_SOCKETS: value }, "AVD_ARM_MAX_SOCKETS"),
        /decimal digits/,
        JSON.stringify(value),
      );
      expectConfigurationError({ ...base, AVD_DEADLINE_SECONDS: value }, "AVD_DEADLINE_SECONDS");
    }
    expectConfigurationError({ ...base, AVD_SCAN_GATHER_MS: "1.0" }, "AVD_SCAN_GATHER_MS");
    const result = parseAppConfig({
      ...base,
      AVD_ARM_MAX_SOCKETS: "0012",
      AVD_DEADLINE_SECONDS: "2.5",
      AVD_ARM_READS_PER_SECOND: "0.5",
    });
    assert.ok(result.ok);
    assert.equal(result.value.armBudget.maxInFlight, 12);
    assert.equal(result.value.deadlineMs, 2500);
    assert.equal(result.value.armBudget.read.perSecond, 0.5);
    // Blank still means unset.
    const blank = parseAppConfig({ ...base, AVD_ARM_MAX_SOCKETS: "  " });
    assert.ok(blank.ok);
    assert.equal(blank.value.armBudget.maxInFlight, 512);
  });

  it("refuses to run in Azure without a managed identity rather than falling back", () => {
    expectConfigurationError({ ...base, WEBSITE_INSTANCE_ID: "abc" }, "IDENTITY_ENDPOINT");
    expectConfigurationError({ ...base, IDENTITY_ENDPOINT: "http://127.0.0.1:1/msi" }, "IDENTITY_HEADER");
  });
});
