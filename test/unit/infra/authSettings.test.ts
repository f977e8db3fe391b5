import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allResources, readCompiledTemplate, type ArmResource } from "./armTemplate";

interface AuthSettingsV2 {
  readonly platform: { readonly enabled: boolean };
  readonly globalValidation: {
    readonly requireAuthentication: boolean;
    readonly unauthenticatedClientAction: string;
    readonly excludedPaths?: readonly string[];
  };
  readonly identityProviders: {
    readonly azureActiveDirectory: {
      readonly enabled: boolean;
      readonly registration: { readonly clientId: string };
      readonly validation: { readonly allowedAudiences: readonly string[] };
    };
  };
}

function siteConfig(name: string): ArmResource {
  const found = allResources(readCompiledTemplate()).filter(
    (resource) => resource.type === "Microsoft.Web/sites/config" && resource.name.endsWith(`'${name}')]`),
  );
  assert.equal(found.length, 1, `one ${name} resource`);
  return found[0]!;
}

describe("App Service Authentication (authsettingsV2) in the template", () => {
  const auth = siteConfig("authsettingsV2") as ArmResource & { condition?: string; properties: AuthSettingsV2 };

  it("is deployed only when authClientId is given", () => {
    assert.match(auth.condition ?? "", /enableAppServiceAuthentication/);
  });

  it("lets requests without a token through to the app, so pollers, connectors and the OpenAPI import are not answered 401", () => {
    assert.equal(auth.properties.globalValidation.requireAuthentication, false);
    assert.equal(auth.properties.globalValidation.unauthenticatedClientAction, "AllowAnonymous");
  });

  it("still validates the tokens that are sent: Microsoft Entra ID on, for the API's audience", () => {
    assert.equal(auth.properties.platform.enabled, true);
    const entra = auth.properties.identityProviders.azureActiveDirectory;
    assert.equal(entra.enabled, true);
    assert.match(entra.registration.clientId, /authClientId/);
    assert.ok(entra.validation.allowedAudiences.some((audience) => /api:\/\//.test(audience)));
  });

  it("sets REQUIRED_CALLER_ROLE only together with authentication, which the app's role check relies on", () => {
    const settings = siteConfig("appsettings").properties as Record<string, string>;
    assert.match(settings.REQUIRED_CALLER_ROLE ?? "", /enableAppServiceAuthentication.*requiredCallerRole.*''/);
  });
});
