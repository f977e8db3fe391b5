import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import SwaggerParser from "@apidevtools/swagger-parser";
import { buildOpenApiDocument, rulesOutsideTheSchema } from "../../../src/lib/http/openApiDocument";
import { parseAppConfig } from "../../../src/lib/config/appConfig";
import { signOutRequestSchema } from "../../../src/lib/http/signOutRequest";
import { signOutRequestSchemaFor } from "../../../src/lib/http/signOutRequestSchemaFor";
import { validateAgainstSwaggerSchema, type Schema } from "./validateAgainstSwaggerSchema";

const document = buildOpenApiDocument({ requestSchema: signOutRequestSchema, host: "avd-signout.azurewebsites.net" });
const definitions = document.definitions as Record<string, Schema>;
const requestSchema = definitions.SignOutRequest!;
const examplesDirectory = path.resolve(__dirname, "..", "..", "..", "..", "docs", "examples");
const demoSubscriptions = "3f2c6a8e-5b1d-4c7a-9e21-6d8f0b4a2c11,8b7e1d42-0c9a-4f63-b5d8-2a1e9c7f3b60";

function documentAccepts(body: unknown): boolean {
  return validateAgainstSwaggerSchema(body, requestSchema, definitions).length === 0;
}

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 2.0 document by @apidevtools/swagger-parser, under 1 MB", async () => {
    const copy = JSON.parse(JSON.stringify(document)) as Parameters<typeof SwaggerParser.validate>[0];
    await SwaggerParser.validate(copy);
    assert.equal(document.swagger, "2.0");
    assert.ok(Buffer.byteLength(JSON.stringify(document)) < 1024 * 1024);
  });

  it("labels every field with x-ms-summary for Power Automate", () => {
    const unlabelled: string[] = [];
    const walk = (schema: Schema, at: string): void => {
      for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
        if (typeof property["x-ms-summary"] !== "string") unlabelled.push(`${at}.${name}`);
        walk(property, `${at}.${name}`);
      }
      if (schema.items !== undefined) walk(schema.items as Schema, `${at}[]`);
    };
    for (const [name, schema] of Object.entries(definitions)) walk(schema, name);
    assert.deepEqual(unlabelled, []);
  });

  it("states the rules its schema cannot express", () => {
    for (const rule of rulesOutsideTheSchema) assert.ok(String(requestSchema.description).includes(rule));
  });

  it("accepts every request example the README includes, as the function does", () => {
    const files = readdirSync(examplesDirectory).filter((name) => name.endsWith(".json"));
    assert.ok(files.length >= 5);
    const config = parseAppConfig({ AVD_SUBSCRIPTION_IDS: demoSubscriptions });
    assert.ok(config.ok);
    for (const file of files) {
      const example = JSON.parse(readFileSync(path.join(examplesDirectory, file), "utf8")) as unknown;
      assert.deepEqual(validateAgainstSwaggerSchema(example, requestSchema, definitions), [], file);
      assert.ok(signOutRequestSchemaFor(config.value).safeParse(example).success, file);
    }
  });

  it("rejects what the function rejects, field by field", () => {
    const upn = "alice@contoso.com";
    const bodies: unknown[] = [
      { userPrincipalName: upn },
      { userPrincipalName: `  ${upn} ` },
      { userPrincipalName: "alice" },
      { userPrincipalName: "alice.@contoso.com" },
      { userPrincipalName: `${"a".repeat(65)}@contoso.com` },
      { userPrincipalName: "alice_fabrikam.com#EXT#@contoso.onmicrosoft.com" },
      { userPrincipalName: 42 },
      { userPrincipleName: upn },
      { userPrincipalName: upn, dryRun: "yes" },
      { userPrincipalName: upn, mode: "disconnect" },
      { userPrincipalName: upn, mode: "shutdown" },
      { userPrincipalName: upn, notify: { title: "t", message: "m" } },
      { userPrincipalName: upn, notify: { title: "t" } },
      { userPrincipalName: upn, notify: { title: "", message: "m" } },
      { userPrincipalName: upn, notify: { title: " ", message: "m" } },
      { userPrincipalName: upn, notify: { title: "a\nb", message: "m" } },
      { userPrincipalName: upn, notify: { title: "t", message: "line 1\nline 2" } },
      { userPrincipalName: upn, notify: { title: "x".repeat(101), message: "m" } },
      { userPrincipalName: upn, notify: { title: "t", message: "m", extra: 1 } },
      { userPrincipalName: upn, notify: { title: "t", message: "m" }, gracePeriodSeconds: 60 },
      { userPrincipalName: upn, notify: { title: "t", message: "m" }, gracePeriodSeconds: 61 },
      { userPrincipalName: upn, notify: { title: "t", message: "m" }, gracePeriodSeconds: 1.5 },
      { userPrincipalName: upn, notify: { title: "t", message: "m" }, gracePeriodSeconds: -1 },
      { userPrincipalNames: [upn, "bob@contoso.com"] },
      { userPrincipalNames: [] },
      { userPrincipalNames: [upn, "bob"] },
      { userPrincipalNames: Array.from({ length: 101 }, (_, i) => `u${i}@contoso.com`) },
      { userObjectId: "a11ce000-0000-4000-8000-00000000000a" },
      { userObjectId: "A11CE000-0000-4000-8000-00000000000A", userPrincipalName: upn },
      { userObjectId: "00000000-0000-0000-0000-000000000000" },
      { userObjectId: "not-a-guid" },
      { users: [{ userPrincipalName: upn }, { objectId: "a11ce000-0000-4000-8000-00000000000a" }] },
      { users: [{ objectId: "00000000-0000-0000-0000-000000000000" }] },
      { users: [{ userPrincipalName: "bob" }] },
      { users: [{ userPrincipalName: upn, extra: 1 }] },
      { users: [] },
      { users: Array.from({ length: 101 }, (_, i) => ({ userPrincipalName: `u${i}@contoso.com` })) },
      { userPrincipalName: upn, subscriptionIds: ["3f2c6a8e-5b1d-4c7a-9e21-6d8f0b4a2c11"] },
      { userPrincipalName: upn, subscriptionIds: ["prod"] },
      { userPrincipalName: upn, subscriptionIds: [] },
      { userPrincipalName: upn, hostPools: ["hp-pooled-weu"] },
      {
        userPrincipalName: upn,
        hostPools: [
          "/subscriptions/3f2c6a8e-5b1d-4c7a-9e21-6d8f0b4a2c11/resourcegroups/rg/providers/Microsoft.DesktopVirtualization/hostpools/hp",
        ],
      },
      { userPrincipalName: upn, hostPools: ["/subscriptions/x/resourceGroups/rg/hostPools/hp"] },
      { userPrincipalName: upn, hostPools: ["a/b"] },
      { userPrincipalName: upn, hostPools: [""] },
      { userPrincipalName: upn, requestedBy: "helpdesk@contoso.com", reason: "INC0012345" },
      { userPrincipalName: upn, reason: "x".repeat(501) },
      { userPrincipalName: upn, reason: "a\u0007b" },
      { userPrincipalName: upn, requestedBy: "" },
      [],
      "alice@contoso.com",
      null,
    ];
    const disagreements = bodies.filter(
      (body) => documentAccepts(body) !== signOutRequestSchema.safeParse(body).success,
    );
    assert.deepEqual(disagreements, []);
  });

  it("leaves only the stated cross-field rules to the function", () => {
    const crossField: unknown[] = [
      {},
      { userPrincipalName: "alice@contoso.com", userPrincipalNames: ["bob@contoso.com"] },
      { userPrincipalName: "alice@contoso.com", gracePeriodSeconds: 5 },
    ];
    for (const body of crossField) {
      assert.ok(documentAccepts(body), JSON.stringify(body));
      assert.equal(signOutRequestSchema.safeParse(body).success, false, JSON.stringify(body));
    }
  });

  it("follows the deployment's deadline in the grace period's maximum", () => {
    const config = parseAppConfig({ AVD_SUBSCRIPTION_IDS: demoSubscriptions, AVD_DEADLINE_SECONDS: "40" });
    assert.ok(config.ok);
    const shorter = buildOpenApiDocument({ requestSchema: signOutRequestSchemaFor(config.value) });
    const request = (shorter.definitions as Record<string, Schema>).SignOutRequest!;
    const grace = (request.properties as Record<string, Schema>).gracePeriodSeconds!;
    assert.equal(grace.maximum, 10);
  });
});
