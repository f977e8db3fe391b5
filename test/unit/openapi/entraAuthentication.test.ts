import assert from "node:assert/strict";
import { describe, it } from "node:test";
import SwaggerParser from "@apidevtools/swagger-parser";
import { buildOpenApiDocument, entraTokenSecurityDefinition } from "../../../src/lib/http/openApiDocument";
import { signOutRequestSchema } from "../../../src/lib/http/signOutRequest";

type Operation = { security?: Record<string, string[]>[] };
type Document = {
  securityDefinitions: Record<string, { type: string; flow?: string; description?: string }>;
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
};

const build = (entraAuthentication?: { requiredCallerRole?: string }) =>
  buildOpenApiDocument({
    requestSchema: signOutRequestSchema,
    host: "avd-signout.azurewebsites.net",
    ...(entraAuthentication === undefined ? {} : { entraAuthentication }),
  }) as unknown as Document;

describe("the OpenAPI document when a caller role is required", () => {
  const document = build({ requiredCallerRole: "AvdSignout.Operator" });

  it("is a valid OpenAPI 2.0 document (swagger-parser)", async () => {
    await SwaggerParser.validate(JSON.parse(JSON.stringify(document)) as Parameters<typeof SwaggerParser.validate>[0]);
  });

  it("describes the Entra token as an OAuth 2.0 security definition naming the role", () => {
    const scheme = document.securityDefinitions[entraTokenSecurityDefinition]!;
    assert.equal(scheme.type, "oauth2");
    assert.equal(scheme.flow, "accessCode");
    assert.match(scheme.description ?? "", /REQUIRED_CALLER_ROLE: AvdSignout\.Operator/);
    assert.match(scheme.description ?? "", /api:\/\//);
  });

  it("asks for the token and the function key on the sign-out, the key alone for the document, nothing for the status URL", () => {
    assert.deepEqual(document.paths["/avd/user-signout"]!.post!.security, [
      { functionKey: [], [entraTokenSecurityDefinition]: [] },
    ]);
    assert.deepEqual(document.paths["/openapi.json"]!.get!.security, [{ functionKey: [] }]);
    assert.deepEqual(document.paths["/avd/user-signout/operations/{operationId}"]!.get!.security, []);
  });

  it("describes no Entra token when no role is required", () => {
    const plain = build();
    assert.deepEqual(Object.keys(plain.securityDefinitions), ["functionKey"]);
    assert.equal(plain.paths["/avd/user-signout"]!.post!.security, undefined);
  });
});
