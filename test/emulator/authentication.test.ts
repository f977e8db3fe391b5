import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Scenario } from "../../emulator/scenario";
import { startEmulatorFixture, type EmulatorFixture } from "../support/emulatorFixture";
import { collect } from "./collect";
import { rawArmRequest } from "./rawArmRequest";

const subscriptionId = "7d3f4e5a-6b7c-4d8e-9f0a-1b2c3d4e5f60";
const knownClientId = "0f1e2d3c-4b5a-4697-8877-665544332211";
const listPath = `/subscriptions/${subscriptionId}/providers/Microsoft.DesktopVirtualization/hostPools`;

const scenario: Scenario = {
  managedIdentity: { userAssignedClientIds: [knownClientId] },
  subscriptions: [{ id: subscriptionId, hostPools: [{ name: "hp-1", resourceGroup: "rg-1" }] }],
};

describe("managed identity tokens and ARM authentication", () => {
  let fixture: EmulatorFixture;
  before(async () => {
    fixture = await startEmulatorFixture(scenario);
  });
  beforeEach(() => fixture.emulator.load(scenario));
  after(() => fixture.close());

  const armToken = async (): Promise<string> => {
    const token = await fixture.credential().getToken("https://management.azure.com/.default");
    assert.ok(token);
    return token.token;
  };

  it("issues App Service tokens to a system-assigned ManagedIdentityCredential and records the audience", async () => {
    const token = await fixture.credential().getToken("https://management.core.windows.net/.default");
    assert.ok(token && token.token.length > 20);
    assert.ok(token.expiresOnTimestamp > Date.now() + 60 * 60 * 1000);
    const [request] = fixture.emulator.tokenRequests();
    assert.deepEqual(
      { resource: request?.resource, clientId: request?.clientId, status: request?.status },
      {
        resource: "https://management.core.windows.net",
        clientId: fixture.emulator.systemAssignedClientId,
        status: 200,
      },
    );
  });

  it("issues tokens to an attached user-assigned identity and records its client id", async () => {
    await collect(fixture.createClient(subscriptionId, { clientId: knownClientId }).hostPools.list());
    assert.deepEqual(
      fixture.emulator.tokenRequests().map(({ resource, clientId, status }) => ({ resource, clientId, status })),
      [{ resource: "https://management.azure.com", clientId: knownClientId, status: 200 }],
    );
    assert.equal(fixture.emulator.calls()[0]?.status, 200);
  });

  it("refuses a user-assigned client id that is not attached, as App Service does", async () => {
    const stranger = "99999999-0000-4000-8000-000000000001";
    await assert.rejects(fixture.credential(stranger).getToken("https://management.azure.com/.default"));
    assert.deepEqual(
      fixture.emulator.tokenRequests().map(({ clientId, status }) => ({ clientId, status })),
      [{ clientId: stranger, status: 400 }],
    );
  });

  it("answers 401 InvalidAuthenticationTokenAudience to a token for another audience", async () => {
    const client = fixture.createClient(subscriptionId, { credentialScopes: ["https://vault.azure.net/.default"] });
    await assert.rejects(collect(client.hostPools.list()), {
      statusCode: 401,
      code: "InvalidAuthenticationTokenAudience",
    });
    assert.equal(fixture.emulator.calls().length, 1);
  });

  it("answers 401 with a WWW-Authenticate challenge to a request without a token", async () => {
    const response = await rawArmRequest(fixture.emulator, { path: `${listPath}?api-version=2024-04-03` });
    assert.equal(response.status, 401);
    assert.deepEqual((response.body as { error: { code: string } }).error.code, "AuthenticationFailed");
    assert.match(
      String(response.headers["www-authenticate"]),
      /^Bearer authorization_uri="[^"]+", error="invalid_token"/,
    );
  });

  it("answers 401 InvalidAuthenticationToken to a token it never issued", async () => {
    const response = await rawArmRequest(fixture.emulator, {
      path: `${listPath}?api-version=2024-04-03`,
      bearerToken: "forged",
    });
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, {
      error: { code: "InvalidAuthenticationToken", message: "The access token is invalid." },
    });
  });

  it("answers 400 MissingApiVersionParameter without api-version", async () => {
    const response = await rawArmRequest(fixture.emulator, { path: listPath, bearerToken: await armToken() });
    assert.equal(response.status, 400);
    assert.equal((response.body as { error: { code: string } }).error.code, "MissingApiVersionParameter");
  });

  it("answers 400 InvalidApiVersionParameter for another api-version", async () => {
    const response = await rawArmRequest(fixture.emulator, {
      path: `${listPath}?api-version=2022-02-10-preview`,
      bearerToken: await armToken(),
    });
    assert.equal(response.status, 400);
    assert.equal((response.body as { error: { code: string } }).error.code, "InvalidApiVersionParameter");
  });

  it("answers 404 with an ARM code for routes it does not serve", async () => {
    const token = await armToken();
    const unknownType = await rawArmRequest(fixture.emulator, {
      path: `/subscriptions/${subscriptionId}/providers/Microsoft.DesktopVirtualization/workspaces?api-version=2024-04-03`,
      bearerToken: token,
    });
    assert.equal(unknownType.status, 404);
    assert.equal((unknownType.body as { error: { code: string } }).error.code, "InvalidResourceType");
    const unknownPath = await rawArmRequest(fixture.emulator, {
      path: "/nothing/here?api-version=2024-04-03",
      bearerToken: token,
    });
    assert.equal(unknownPath.status, 404);
    assert.equal((unknownPath.body as { error: { code: string } }).error.code, "NotFound");
    assert.deepEqual(
      fixture.emulator.calls().map((call) => call.operation),
      ["unknown", "unknown"],
    );
  });

  it("serves TLS that a client verifies against the emulator's CA and nothing else", async () => {
    const { request } = await import("node:https");
    const failure = await new Promise<Error>((resolve) => {
      request(`${fixture.emulator.armEndpoint}${listPath}?api-version=2024-04-03`, (response) => {
        response.resume();
        resolve(new Error("connected without trusting the CA"));
      })
        .on("error", resolve)
        .end();
    });
    assert.match(
      (failure as NodeJS.ErrnoException).code ?? failure.message,
      /CERT|SELF_SIGNED|UNABLE_TO_(GET_ISSUER|VERIFY)/,
    );
  });
});
