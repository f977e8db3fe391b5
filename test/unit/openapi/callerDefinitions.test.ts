import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { buildOpenApiDocument } from "../../../src/lib/http/openApiDocument";
import { parseAppConfig } from "../../../src/lib/config/appConfig";
import { signOutRequestSchemaFor } from "../../../src/lib/http/signOutRequestSchemaFor";
import { validateAgainstSwaggerSchema, type Schema } from "./validateAgainstSwaggerSchema";

const callersDirectory = path.resolve(__dirname, "..", "..", "..", "..", "docs", "callers");
const config = parseAppConfig({ AVD_SUBSCRIPTION_IDS: "3f2c6a8e-5b1d-4c7a-9e21-6d8f0b4a2c11" });
assert.ok(config.ok);
const asyncSchema = signOutRequestSchemaFor(config.value, true);
const document = buildOpenApiDocument({ requestSchema: asyncSchema, host: "localhost" });
const definitions = document.definitions as Record<string, Schema>;

interface HttpAction {
  type: string;
  inputs: {
    method: string;
    uri: string;
    headers?: Record<string, string>;
    body?: unknown;
    authentication?: { type: string; audience?: string };
  };
  runAfter?: Record<string, string[]>;
}
interface Workflow {
  definition: { triggers: Record<string, { inputs: { schema: Schema } }>; actions: Record<string, HttpAction> };
}

function read(file: string): Workflow {
  return JSON.parse(readFileSync(path.join(callersDirectory, file), "utf8")) as Workflow;
}

/** Workflow expressions stand for run-time values: put in a sample a real run would produce. */
function withSampleValues(value: unknown, key = ""): unknown {
  if (typeof value === "string" && value.includes("@")) {
    if (!value.startsWith("@")) return value;
    if (key === "userObjectId") return "a11ce000-0000-4000-8000-00000000000a";
    return key === "userPrincipalName" ? "alice@contoso.com" : "Sample value";
  }
  if (Array.isArray(value)) return value.map((item) => withSampleValues(item));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, withSampleValues(inner, name)]));
  }
  return value;
}

function signOutCalls(workflow: Workflow): HttpAction[] {
  return Object.values(workflow.definition.actions).filter(
    (action) => action.type === "Http" && action.inputs.uri.includes("avdSignoutUrl"),
  );
}

describe("the Logic App and Power Automate definitions in docs/callers", () => {
  it("call the function asynchronously with bodies the OpenAPI document and the function accept", () => {
    const files = readdirSync(callersDirectory).filter((name) => name.endsWith(".json"));
    assert.deepEqual(files.sort(), ["lifecycle-workflow-logic-app.json", "power-automate-flow.json"]);
    for (const file of files) {
      const calls = signOutCalls(read(file));
      assert.equal(calls.length, 1, file);
      const call = calls[0]!;
      assert.equal(call.inputs.method, "POST");
      assert.equal(call.inputs.headers?.Prefer, "respond-async", file);
      const body = withSampleValues(call.inputs.body);
      assert.deepEqual(validateAgainstSwaggerSchema(body, definitions.SignOutRequest!, definitions), [], file);
      assert.ok(asyncSchema.safeParse(body).success, file);
    }
  });

  it("trigger on the custom task extension's payload and resume the workflow through Graph with the managed identity", () => {
    const workflow = read("lifecycle-workflow-logic-app.json");
    const schema = JSON.stringify(workflow.definition.triggers.manual?.inputs.schema);
    assert.match(schema, /"callbackUriPath"/);
    assert.match(schema, /"subject":\{"type":"object","properties":\{"userPrincipalName"/);
    const call = signOutCalls(workflow)[0]!;
    assert.match(
      JSON.stringify(call.inputs.body),
      /triggerBody\(\)\?\['data'\]\?\['subject'\]\?\['userPrincipalName'\]/,
    );
    // The subject's object id: a renamed leaver's sessions under the old UPN are found, and a
    // session of another account under the same UPN is left alone.
    assert.equal(
      (call.inputs.body as Record<string, unknown>).userObjectId,
      "@{triggerBody()?['data']?['subject']?['id']}",
    );
    const resume = workflow.definition.actions.Report_to_the_workflow!;
    assert.equal(resume.inputs.method, "POST");
    assert.match(
      resume.inputs.uri,
      /^https:\/\/graph\.microsoft\.com\/v1\.0@\{triggerBody\(\)\?\['data'\]\?\['callbackUriPath'\]\}$/,
    );
    assert.deepEqual(resume.inputs.authentication, {
      type: "ManagedServiceIdentity",
      audience: "https://graph.microsoft.com",
    });
    const resumeBody = resume.inputs.body as { data: { operationStatus: string }; type: string };
    assert.equal(resumeBody.type, "lifecycleEvent");
    assert.match(resumeBody.data.operationStatus, /'completed'\), 'Completed', 'Failed'\)/);
    assert.deepEqual(resume.runAfter, { Sign_out_of_AVD: ["Succeeded", "Failed", "TimedOut"] });
  });
});
