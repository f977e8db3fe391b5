import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import SwaggerParser from "@apidevtools/swagger-parser";
import {
  connectorDefinitionFile,
  connectorOAuthSecurityDefinition,
  connectorSecurityDefinition,
} from "../../../src/lib/http/connectorDefinition";
import { signOutRequestSchema } from "../../../src/lib/http/signOutRequest";

const entraDirectory = path.resolve(__dirname, "..", "..", "..", "..", "connector", "entra");
const definitionText = readFileSync(path.join(entraDirectory, "apiDefinition.swagger.json"), "utf8");
const propertiesText = readFileSync(path.join(entraDirectory, "apiProperties.json"), "utf8");

type Json = { [key: string]: unknown };
const definition = JSON.parse(definitionText) as Json & {
  securityDefinitions: Record<string, Json>;
  security: unknown[];
  paths: Record<string, Record<string, Json>>;
};
const properties = (
  JSON.parse(propertiesText) as {
    properties: {
      connectionParameters: Record<string, Json & { type: string }>;
      policyTemplateInstances: { templateId: string; parameters: Record<string, string> }[];
    };
  }
).properties;

describe("the custom connector for deployments that require a caller role (connector/entra/)", () => {
  it("is what the OpenAPI builder makes of today's schemas with Entra authentication (npm run connector:build)", () => {
    assert.equal(
      definitionText,
      connectorDefinitionFile(signOutRequestSchema, { entraAuthentication: {} }),
      "connector/entra/apiDefinition.swagger.json is out of date: run npm run connector:build",
    );
  });

  it("is a valid OpenAPI 2.0 document (swagger-parser), under the 1 MB connectors accept", async () => {
    await SwaggerParser.validate(JSON.parse(definitionText) as Parameters<typeof SwaggerParser.validate>[0]);
    assert.ok(Buffer.byteLength(definitionText) < 1024 * 1024);
  });

  it("connects with a Microsoft Entra sign-in: one OAuth 2.0 security definition, naming the app role", () => {
    assert.deepEqual(Object.keys(definition.securityDefinitions), [connectorOAuthSecurityDefinition]);
    const oauth = definition.securityDefinitions[connectorOAuthSecurityDefinition]!;
    assert.equal(oauth.type, "oauth2");
    assert.equal(oauth.flow, "accessCode");
    assert.match(String(oauth.description), /REQUIRED_CALLER_ROLE/);
    assert.deepEqual(definition.security, [{ [connectorOAuthSecurityDefinition]: [] }]);
    assert.equal(properties.connectionParameters.token?.type, "oauthSetting");
    assert.equal((properties.connectionParameters.token?.oAuthSettings as Json).identityProvider, "aad");
  });

  it("still sends the function key, from a secure connection parameter, as x-functions-key", () => {
    assert.equal(properties.connectionParameters.function_key?.type, "securestring");
    assert.deepEqual(
      properties.policyTemplateInstances.map((policy) => [policy.templateId, policy.parameters]),
      [
        [
          "setheader",
          {
            "x-ms-apimTemplateParameter.name": "x-functions-key",
            "x-ms-apimTemplateParameter.value": "@connectionParameters('function_key')",
            "x-ms-apimTemplateParameter.existsAction": "override",
            "x-ms-apimTemplate-policySection": "Request",
          },
        ],
      ],
    );
    assert.equal(definition.securityDefinitions[connectorSecurityDefinition], undefined);
  });

  it("leaves the status URL without security: pollers send nothing", () => {
    const status = definition.paths["/avd/user-signout/operations/{operationId}"]!.get!;
    assert.deepEqual(status.security, []);
    assert.equal(definition.paths["/avd/user-signout"]!.post!.security, undefined, "the connector's sign-in applies");
  });
});
