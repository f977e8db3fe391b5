import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import SwaggerParser from "@apidevtools/swagger-parser";
import { describeFunctionApp } from "../../local/forkFunctionsHost";
import { triggerOf } from "../support/triggerOf";
import { validateAgainstSwaggerSchema, type Schema } from "../unit/openapi/validateAgainstSwaggerSchema";
import { startSignOutHarness, type SignOutHarness } from "./signOutHarness";
import {
  subscriptionA,
  subscriptionForbidden,
  tenantScenario,
  tenantWithForbiddenSubscription,
} from "./tenantScenario";

let harness: SignOutHarness;

before(async () => {
  harness = await startSignOutHarness(tenantWithForbiddenSubscription());
});
after(() => harness.close());

interface OpenApi {
  readonly host?: string;
  readonly definitions: Record<string, Schema>;
  readonly paths: Record<string, Record<string, { responses: Record<string, { schema?: Schema }> }>>;
}

describe("GET /api/openapi.json", () => {
  it("is registered from package.json main as GET openapi.json with function-level auth", async () => {
    const registered = await describeFunctionApp(process.env);
    const openApi = registered.find((fn) => fn.name === "openApi");
    assert.ok(openApi, "openApi is registered by the built entry point");
    const trigger = triggerOf(openApi);
    assert.equal(trigger.route, "openapi.json");
    assert.deepEqual(trigger.methods, ["GET"]);
    assert.equal(trigger.authLevel, "function");
  });

  it("serves a valid OpenAPI 2.0 document naming the host it was reached at", async () => {
    const result = await harness.get(harness.openApiHandler());
    assert.equal(result.status, 200);
    await SwaggerParser.validate(
      JSON.parse(JSON.stringify(result.body)) as Parameters<typeof SwaggerParser.validate>[0],
    );
    assert.equal((result.body as OpenApi).host, "avd-signout.example.net");
    assert.equal(harness.emulator.calls().length, 0);
  });

  it("describes every answer the function gives: reports, validation errors, 403 and 502", async () => {
    const document = (await harness.get(harness.openApiHandler())).body as OpenApi;
    const responses = document.paths["/avd/user-signout"]!.post!.responses;
    const settings = {
      AVD_SUBSCRIPTION_IDS: [...tenantScenario().subscriptions.map((s) => s.id), subscriptionForbidden].join(","),
    };
    const notify = { title: "Maintenance", message: "Please save your work." };
    const calls: Array<[Record<string, string>, unknown, Record<string, string>]> = [
      [settings, { userPrincipalName: "alice@contoso.com" }, {}],
      [settings, { userPrincipalNames: ["bob@contoso.com", "carol@contoso.com"], mode: "disconnect", notify }, {}],
      [settings, { userPrincipalName: "dave@contoso.com", dryRun: true, hostPools: ["HP-Gamma", "nowhere"] }, {}],
      [settings, { userPrincipalName: "alice", subscriptionIds: [subscriptionA] }, {}],
      [
        { ...settings, WEBSITE_AUTH_ENABLED: "True", REQUIRED_CALLER_ROLE: "Operator" },
        { userPrincipalName: "a@b.cd" },
        {},
      ],
    ];
    const statuses: number[] = [];
    for (const [callSettings, body, headers] of calls) {
      const result = await harness.post(harness.handler(callSettings), body, headers);
      statuses.push(result.status);
      const schema = responses[String(result.status)]?.schema;
      assert.ok(schema, `status ${result.status} is described`);
      assert.deepEqual(
        validateAgainstSwaggerSchema(result.body, schema, document.definitions),
        [],
        JSON.stringify(body),
      );
    }
    assert.deepEqual(statuses, [502, 502, 502, 400, 403]);
  });
});
