import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { appSettingNames, parseAppConfig } from "../../../src/lib/config/appConfig";
import { allResources, readCompiledTemplate } from "./armTemplate";

// The platform sets these itself; a template must not.
const platformSettings = new Map([
  ["IDENTITY_ENDPOINT", "App Service announces the managed identity endpoint"],
  ["IDENTITY_HEADER", "App Service's secret for that endpoint"],
  ["WEBSITE_INSTANCE_ID", "App Service names the instance"],
  ["WEBSITE_AUTH_ENABLED", "App Service sets it when App Service Authentication is on (authsettingsV2)"],
]);

// Read by the Functions host, not by the app's configuration.
const hostSettings = new Set([
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
  // The host's own blobs (leases, keys); the app uses the queue and table services only.
  "AzureWebJobsStorage__blobServiceUri",
]);

// Read by the app, but for local runs only: in Azure the identity-based AzureWebJobsStorage__*
// settings replace the connection string (shared keys are off on the account).
const localOnlySettings = new Set(["AzureWebJobsStorage"]);

// Read by today's app but replaced by the ARM budget settings above; once the app no longer reads
// it, remove it from infra/main.bicep and app/resources.bicep and delete this set.
const retiringSettings = new Set<string>([]);

function templateAppSettingNames(): string[] {
  const appSettings = allResources(readCompiledTemplate()).filter(
    (resource) => resource.type === "Microsoft.Web/sites/config" && /'appsettings'\)\]$/.test(resource.name),
  );
  assert.equal(appSettings.length, 1, "one appsettings resource in the template");
  return Object.keys(appSettings[0]!.properties ?? {});
}

describe("the template's app settings and the app's configuration", () => {
  const templateNames = templateAppSettingNames();
  const appNames = new Set(appSettingNames);

  it("lists in appSettingNames every environment variable parseAppConfig reads", () => {
    const read = new Set<string>();
    const environment: Record<string, string> = {
      AVD_SUBSCRIPTION_IDS: "3f2c6a8e-5b1d-4c7a-9e21-6d8f0b4a2c11",
      IDENTITY_ENDPOINT: "http://127.0.0.1:41741/msi/token",
      IDENTITY_HEADER: "secret",
    };
    const recording = new Proxy(environment, {
      get: (target, name) => {
        if (typeof name === "string") read.add(name);
        return target[name as string];
      },
    });
    assert.ok(parseAppConfig(recording).ok);
    assert.deepEqual(
      [...read].filter((name) => !appNames.has(name)),
      [],
    );
  });

  it("sets every setting the app reads, except those the platform sets", () => {
    const missing = [...appNames].filter(
      (name) => !platformSettings.has(name) && !localOnlySettings.has(name) && !templateNames.includes(name),
    );
    assert.deepEqual(missing, []);
  });

  it("sets no setting the app does not know, other than the host's own", () => {
    const unknown = templateNames.filter(
      (name) => !appNames.has(name) && !hostSettings.has(name) && !retiringSettings.has(name),
    );
    assert.deepEqual(unknown, []);
  });

  it("leaves the platform's settings to the platform", () => {
    assert.deepEqual(
      templateNames.filter((name) => platformSettings.has(name) || name.startsWith("WEBSITE_")),
      [],
    );
  });

  it("still sets every retiring setting (so the set cannot outlive its reason unnoticed)", () => {
    assert.deepEqual(
      [...retiringSettings].filter((name) => !templateNames.includes(name)),
      [],
    );
  });
});
