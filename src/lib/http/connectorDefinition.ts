import type { z } from "zod";
import { isPlainObject } from "../base/isPlainObject";
import { buildOpenApiDocument, type OpenApiDocumentOptions } from "./openApiDocument";

type Json = { [key: string]: unknown };

/** The name Power Platform pairs with the `api_key` connection parameter of apiProperties.json. */
export const connectorSecurityDefinition = "api_key";

/** The name Power Platform pairs with the `token` (OAuth) connection parameter of apiProperties.json. */
export const connectorOAuthSecurityDefinition = "oauth2_auth";

/**
 * The Entra sign-in as Power Platform's own Microsoft Entra ID connectors declare it; the client
 * id, resource (api://…) and tenant live in apiProperties.json's `token` parameter.
 */
function powerPlatformEntraScheme(scheme: Json): Json {
  return {
    type: "oauth2",
    flow: "accessCode",
    authorizationUrl: "https://login.windows.net/common/oauth2/authorize",
    tokenUrl: "https://login.windows.net/common/oauth2/authorize",
    scopes: {},
    ...(typeof scheme.description === "string" ? { description: scheme.description } : {}),
  };
}

// Shown first in the Power Automate / Logic Apps designer; every other request field sits under
// "Show advanced options".
const importantRequestFields = new Set([
  "userPrincipalName",
  "userObjectId",
  "userPrincipalNames",
  "users",
  "mode",
  "dryRun",
]);

const httpMethods = new Set(["get", "put", "post", "delete", "options", "head", "patch"]);

function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Labels each property below `schema`: its own x-ms-visibility unless it already has one. */
function labelProperties(schema: Json, visibilityOf: (name: string, depth: number) => string, depth: number): void {
  if (isPlainObject(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      if (!isPlainObject(property)) continue;
      property["x-ms-visibility"] ??= visibilityOf(name, depth);
      labelProperties(property, visibilityOf, depth + 1);
    }
  }
  if (isPlainObject(schema.items)) labelProperties(schema.items, visibilityOf, depth + 1);
  if (isPlainObject(schema.additionalProperties)) labelProperties(schema.additionalProperties, visibilityOf, depth + 1);
}

/**
 * The API description as a Power Platform custom connector wants it: the function key as the
 * `api_key` connection parameter, `x-ms-visibility` on every operation, parameter and field, and
 * `x-ms-summary` on parameters that lack one (the builder gives each field its own). Everything
 * else is the builder's document, so the connector cannot drift from `/api/openapi.json`.
 */
export function toConnectorDefinition(document: Json): Json {
  const connector = structuredClone(document);
  const schemes = isPlainObject(connector.securityDefinitions) ? Object.values(connector.securityDefinitions) : [];
  const functionKey = schemes.find((scheme) => isPlainObject(scheme) && scheme.type === "apiKey");
  if (!isPlainObject(functionKey)) throw new Error("the API description names no apiKey security definition");
  const entraToken = schemes.find((scheme) => isPlainObject(scheme) && scheme.type === "oauth2");
  // A connector connects one way. With a caller role required that is the Entra sign-in, and the
  // function key travels as a second connection parameter that a policy of apiProperties.json
  // sends as x-functions-key (connector/entra/).
  const [name, scheme] = isPlainObject(entraToken)
    ? [connectorOAuthSecurityDefinition, powerPlatformEntraScheme(entraToken)]
    : [connectorSecurityDefinition, functionKey];
  connector.securityDefinitions = { [name]: scheme };
  connector.security = [{ [name]: [] }];

  for (const pathItem of Object.values(isPlainObject(connector.paths) ? connector.paths : {})) {
    if (!isPlainObject(pathItem)) continue;
    for (const [method, operation] of Object.entries(pathItem)) {
      if (!httpMethods.has(method) || !isPlainObject(operation)) continue;
      // The connector's one definition applies to every operation but the status URL's (none).
      if (Array.isArray(operation.security) && operation.security.length > 0) delete operation.security;
      operation["x-ms-visibility"] ??= "advanced";
      for (const parameter of Array.isArray(operation.parameters) ? operation.parameters : []) {
        if (!isPlainObject(parameter)) continue;
        parameter["x-ms-visibility"] ??= "important";
        if (typeof parameter.name === "string") parameter["x-ms-summary"] ??= humanize(parameter.name);
      }
    }
  }

  const definitions = isPlainObject(connector.definitions) ? connector.definitions : {};
  for (const [name, definition] of Object.entries(definitions)) {
    if (!isPlainObject(definition)) continue;
    labelProperties(
      definition,
      name === "SignOutRequest"
        ? (field, depth) => (depth === 0 && importantRequestFields.has(field) ? "important" : "advanced")
        : // What a flow reads next: the top-level fields of an answer; the rest is detail.
          (_field, depth) => (depth === 0 ? "important" : "advanced"),
      0,
    );
  }
  return connector;
}

/**
 * connector/apiDefinition.swagger.json (and, with `entraAuthentication`, connector/entra/'s) as
 * committed: without `host` (each deployment has its own;
 * set it on the connector's General page or with `paconn`), indented with four spaces as the
 * Power Platform connector coding standards ask.
 */
export function connectorDefinitionFile(
  requestSchema: z.ZodType,
  options: Pick<OpenApiDocumentOptions, "entraAuthentication"> = {},
): string {
  return `${JSON.stringify(toConnectorDefinition(buildOpenApiDocument({ requestSchema, ...options })), null, 4)}\n`;
}
