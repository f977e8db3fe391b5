import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildOpenApiDocument } from "../../../src/lib/http/openApiDocument";
import { parseAppConfig } from "../../../src/lib/config/appConfig";
import { signOutRequestSchema } from "../../../src/lib/http/signOutRequest";
import { signOutRequestSchemaFor } from "../../../src/lib/http/signOutRequestSchemaFor";
import { documentationFiles, readDoc } from "../../support/markdownDocs";
import { validateAgainstSwaggerSchema, type Schema } from "./validateAgainstSwaggerSchema";

/** README.md, CONTRIBUTING.md and every page under docs/, each with its name. */
const pages = documentationFiles().map((file) => ({ file, text: readDoc(file) }));
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

describe("the request examples in README.md and docs/", () => {
  it("every request block conforms to the OpenAPI document and is accepted by the function", () => {
    const blocks = pages.flatMap(({ file, text }) =>
      [...text.matchAll(/```json request\n([\s\S]*?)```/g)].map((match) => ({ file, block: match[1]! })),
    );
    assert.ok(blocks.filter(({ file }) => file === "docs/calling.md").length >= 5);
    for (const { file, block } of blocks) {
      assert.deepEqual(verdicts(JSON.parse(block)), { document: true, function: true }, `${file}: ${block}`);
    }
  });

  it("every curl body is judged alike by the document and the function, and only the one shown as invalid is rejected", () => {
    const bodies = pages.flatMap(({ file, text }) =>
      [...text.matchAll(/ -d '([^']*)'/g)].map((match) => ({ file, body: match[1]! })),
    );
    assert.ok(
      bodies.filter(({ file }) => file === "README.md").length >= 2,
      "the README's synchronous and asynchronous calls",
    );
    assert.ok(bodies.filter(({ file }) => file === "docs/local.md").length >= 4, "the demo's calls");
    for (const { file, body } of bodies) {
      const verdict = verdicts(JSON.parse(body));
      assert.equal(verdict.document, verdict.function, `${file}: ${body}`);
      assert.equal(verdict.function, !body.includes("userPrincipleName"), `${file}: ${body}`);
    }
  });
});
