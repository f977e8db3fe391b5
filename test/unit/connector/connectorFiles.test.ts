import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import SwaggerParser from "@apidevtools/swagger-parser";
import { connectorDefinitionFile, connectorSecurityDefinition } from "../../../src/lib/http/connectorDefinition";
import { signOutRequestSchema } from "../../../src/lib/http/signOutRequest";

const connectorDirectory = path.resolve(__dirname, "..", "..", "..", "..", "connector");
const definitionText = readFileSync(path.join(connectorDirectory, "apiDefinition.swagger.json"), "utf8");
const propertiesText = readFileSync(path.join(connectorDirectory, "apiProperties.json"), "utf8");

type Json = { [key: string]: unknown };
const definition = JSON.parse(definitionText) as Json;
const properties = JSON.parse(propertiesText) as {
  properties: {
    connectionParameters: Record<string, { type: string; uiDefinition: Record<string, unknown> }>;
    iconBrandColor: string;
    capabilities: unknown[];
    publisher: string;
    stackOwner: string;
  };
};
const visibilities = new Set(["important", "advanced", "internal"]);
const httpMethods = new Set(["get", "put", "post", "delete", "options", "head", "patch"]);

function operations(): Array<[string, Json]> {
  return Object.entries(definition.paths as Record<string, Record<string, Json>>).flatMap(([route, item]) =>
    Object.entries(item)
      .filter(([method]) => httpMethods.has(method))
      .map(([method, operation]): [string, Json] => [`${method.toUpperCase()} ${route}`, operation]),
  );
}

/** Every schema property below the definitions and the operations' parameters, with where it is. */
function properties_(): Array<[string, Json]> {
  const found: Array<[string, Json]> = [];
  const walk = (schema: Json, at: string): void => {
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
      found.push([`${at}.${name}`, property]);
      walk(property, `${at}.${name}`);
    }
    if (typeof schema.items === "object" && schema.items !== null) walk(schema.items as Json, `${at}[]`);
    if (typeof schema.additionalProperties === "object" && schema.additionalProperties !== null) {
      walk(schema.additionalProperties as Json, `${at}{}`);
    }
  };
  for (const [name, schema] of Object.entries(definition.definitions as Record<string, Json>)) walk(schema, name);
  return found;
}

describe("the custom connector (connector/)", () => {
  it("is what the OpenAPI builder makes of today's schemas (npm run connector:build)", () => {
    assert.equal(
      definitionText,
      connectorDefinitionFile(signOutRequestSchema),
      "connector/apiDefinition.swagger.json is out of date: run npm run connector:build",
    );
  });

  it("is a valid OpenAPI 2.0 document (swagger-parser), under the 1 MB connectors accept", async () => {
    await SwaggerParser.validate(JSON.parse(definitionText) as Parameters<typeof SwaggerParser.validate>[0]);
    assert.equal(definition.swagger, "2.0");
    assert.ok(Buffer.byteLength(definitionText) < 1024 * 1024);
  });

  it("names no host (each deployment has its own) and speaks HTTPS only", () => {
    assert.equal(definition.host, undefined);
    assert.deepEqual(definition.schemes, ["https"]);
    assert.doesNotMatch(definitionText, /<[a-z-]+>|\{\{|example\.(com|net)"|localhost/i);
  });

  it("sends the function key as the api_key connection parameter, in the x-functions-key header", () => {
    assert.deepEqual(definition.securityDefinitions, {
      [connectorSecurityDefinition]: {
        type: "apiKey",
        in: "header",
        name: "x-functions-key",
        description: "A function key of the app.",
      },
    });
    assert.deepEqual(definition.security, [{ [connectorSecurityDefinition]: [] }]);
    assert.deepEqual(Object.keys(properties.properties.connectionParameters), [connectorSecurityDefinition]);
  });

  it("gives every operation a PascalCase operationId, a summary, a description and a visibility", () => {
    const ids = new Set<string>();
    for (const [where, operation] of operations()) {
      const { operationId, summary, description } = operation as Record<string, string>;
      assert.match(operationId ?? "", /^[A-Z][A-Za-z0-9]*$/, `${where}: operationId`);
      assert.ok(!ids.has(operationId!), `${where}: operationId ${operationId} is unique`);
      ids.add(operationId!);
      assert.ok(summary && summary.length <= 80 && !summary.endsWith("."), `${where}: short summary, no period`);
      assert.ok(description && description.endsWith("."), `${where}: description ending with a period`);
      assert.notEqual(description, summary, `${where}: the description says more than the summary`);
      assert.ok(visibilities.has(operation["x-ms-visibility"] as string), `${where}: x-ms-visibility`);
    }
  });

  it("describes a schema for every response status, with a 2xx among them", () => {
    for (const [where, operation] of operations()) {
      const responses = operation.responses as Record<string, Json>;
      assert.ok(
        Object.keys(responses).some((status) => /^2\d\d$/.test(status)),
        `${where}: a success response`,
      );
      for (const [status, response] of Object.entries(responses)) {
        assert.match(status, /^[1-5]\d\d$/, `${where}: ${status} is a status code, not only "default"`);
        assert.ok(typeof response.description === "string" && response.description !== "", `${where} ${status}`);
        assert.ok(response.schema !== undefined, `${where} ${status}: a schema`);
      }
    }
  });

  it("labels every parameter and field with x-ms-summary and x-ms-visibility", () => {
    const unlabelled: string[] = [];
    for (const [where, operation] of operations()) {
      for (const parameter of (operation.parameters ?? []) as Json[]) {
        if (typeof parameter["x-ms-summary"] !== "string" || !visibilities.has(parameter["x-ms-visibility"] as string))
          unlabelled.push(`${where} ${String(parameter.name)}`);
      }
    }
    for (const [where, property] of properties_()) {
      if (typeof property["x-ms-summary"] !== "string" || !visibilities.has(property["x-ms-visibility"] as string))
        unlabelled.push(where);
    }
    assert.deepEqual(unlabelled, []);
  });

  it("shows the user (by UPN or object id, one or a list), the mode and the dry run first in the designer", () => {
    const request = (definition.definitions as Record<string, Json>).SignOutRequest!.properties as Record<string, Json>;
    const important = Object.entries(request)
      .filter(([, field]) => field["x-ms-visibility"] === "important")
      .map(([name]) => name)
      .sort();
    assert.deepEqual(important, ["dryRun", "mode", "userObjectId", "userPrincipalName", "userPrincipalNames", "users"]);
  });

  it("is indented with four spaces, without tabs or trailing white space", () => {
    for (const [file, text] of [
      ["apiDefinition.swagger.json", definitionText],
      ["apiProperties.json", propertiesText],
    ] as const) {
      const lines = text.split("\n");
      assert.ok(
        lines.every((line) => !/\t|\s$/.test(line) && /^(?: {4})*(?! )/.test(line)),
        `${file}: four-space indents, no tabs, no trailing space`,
      );
    }
  });

  it("has apiProperties.json in the Power Platform connector format", () => {
    const { connectionParameters, iconBrandColor, capabilities, publisher, stackOwner } = properties.properties;
    const apiKey = connectionParameters[connectorSecurityDefinition]!;
    assert.equal(apiKey.type, "securestring");
    for (const field of ["displayName", "description", "tooltip"]) {
      assert.ok(typeof apiKey.uiDefinition[field] === "string" && apiKey.uiDefinition[field] !== "", field);
    }
    assert.deepEqual(apiKey.uiDefinition.constraints, { tabIndex: 2, clearText: false, required: "true" });
    // The designer's default blue is refused by certification; any other colour is fine.
    assert.match(iconBrandColor, /^#[0-9a-f]{6}$/i);
    assert.notEqual(iconBrandColor.toLowerCase(), "#007ee5");
    assert.ok(Array.isArray(capabilities));
    assert.ok(publisher !== "" && stackOwner !== "");
  });
});
