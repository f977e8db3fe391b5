import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { buildOpenApiDocument } from "../../../src/lib/http/openApiDocument";
import { parseAppConfig } from "../../../src/lib/config/appConfig";
import { signOutRequestSchema } from "../../../src/lib/http/signOutRequest";
import { signOutRequestSchemaFor } from "../../../src/lib/http/signOutRequestSchemaFor";
import { validateAgainstSwaggerSchema, type Schema } from "./validateAgainstSwaggerSchema";

const readme = readFileSync(path.resolve(__dirname, "..", "..", "..", "..", "README.md"), "utf8");
const document = buildOpenApiDocument({ requestSchema: signOutRequestSchema, host: "localhost" });
const definitions = document.definitions as Record<string, Schema>;
const demoConfig = parseAppConfig({
  AVD_SUBSCRIPTION_IDS: "3f2c6a8e-5b1d-4c7a-9e21-6d8f0b4a2c11,8b7e1d42-0c9a-4f63-b5d8-2a1e9c7f3b60",
});

function verdicts(body: unknown): { document: boolean; function: boolean } {
  assert.ok(demoConfig.ok);
  return {
    document: validateAgainstSwaggerSchema(body, definitions.SignOutRequest!, definitions).length === 0,
    function: signOutRequestSchemaFor(demoConfig.value).safeParse(body).success,
  };
}

describe("the README's request examples", () => {
  it("every request block conforms to the OpenAPI document and is accepted by the function", () => {
    const blocks = [...readme.matchAll(/```json request\n([\s\S]*?)```/g)].map((match) => match[1]!);
    assert.ok(blocks.length >= 5);
    for (const block of blocks) {
      assert.deepEqual(verdicts(JSON.parse(block)), { document: true, function: true }, block);
    }
  });

  it("every curl body is judged alike by the document and the function, and only the one shown as invalid is rejected", () => {
    const bodies = [...readme.matchAll(/ -d '([^']*)'/g)].map((match) => match[1]!);
    assert.ok(bodies.length >= 3);
    for (const body of bodies) {
      const verdict = verdicts(JSON.parse(body));
      assert.equal(verdict.document, verdict.function, body);
      assert.equal(verdict.function, !body.includes("userPrincipleName"), body);
    }
  });
});
