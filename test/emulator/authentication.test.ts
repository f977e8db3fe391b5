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
    const codeOf = async (path: string): Promise<[number, string | undefined]> => {
      const response = await rawArmRequest(fixture.emulator, {
        path: `${path}?api-version=2024-04-03`,
        bearerToken: token,
      });
      return [response.status, (response.body as { error?: { code?: string } } | undefined)?.error?.code];
    };
    const group = `/subscriptions/${subscriptionId}/resourceGroups/rg-1/providers`;
    assert.deepEqual(await codeOf(`${group}/Microsoft.DesktopVirtualization/hostPools/hp-1/widgets`), [
      404,
      "InvalidResourceType",
    ]);
    assert.deepEqual(await codeOf(`${group}/Microsoft.Desktop/hostPools/hp-1/userSessions`), [
      404,
      "NoRegisteredProviderFound",
    ]);
    assert.deepEqual(await codeOf(`/subscriptions/${subscriptionId}/providers/Contoso.Avd/hostPools`), [
      404,
      "NoRegisteredProviderFound",
    ]);
    assert.deepEqual(await codeOf(`${group}/Microsoft.DesktopVirtualization/hostPools/hp-2/userSessions`), [
      404,
      "ResourceNotFound",
    ]);
    assert.deepEqual(
      await codeOf(
        `/subscriptions/${subscriptionId}/resourceGroups/rg-2/providers/Microsoft.DesktopVirtualization/hostPools/hp-1/userSessions`,
      ),
      [404, "ResourceGroupNotFound"],
    );
    fixture.emulator.clearCalls();
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

  const identityRequest = async (query: Record<string, string>): Promise<{ status: number; body: unknown }> => {
    const url = new URL(fixture.emulator.identityEndpoint);
    url.search = new URLSearchParams({
      "api-version": "2019-08-01",
      resource: "https://management.azure.com",
      ...query,
    }).toString();
    const response = await fetch(url, { headers: { "X-IDENTITY-HEADER": fixture.emulator.identityHeader } });
    return { status: response.status, body: await response.json() };
  };

  it("refuses a token request that names no identity when only user-assigned identities are attached", async () => {
    fixture.emulator.load({
      ...scenario,
      managedIdentity: { userAssignedClientIds: [knownClientId], systemAssigned: false },
    });
    // A scope no earlier test asked for, so msal's process-wide cache cannot answer for the endpoint.
    await assert.rejects(fixture.credential().getToken("https://storage.azure.com/.default"));
    const refused = await identityRequest({});
    assert.equal(refused.status, 400);
    assert.equal((refused.body as { message?: string }).message, "Unable to load the proper Managed Identity.");
    const named = await identityRequest({ client_id: knownClientId });
    assert.equal(named.status, 200);
    assert.deepEqual(
      fixture.emulator.tokenRequests().map(({ status }) => status),
      [400, 400, 200],
    );
  });

  it("refuses a token request that names more than one of client_id, object_id and mi_res_id", async () => {
    const objectId = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
    const resourceId =
      "/subscriptions/x/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-1";
    const combinations: Array<Record<string, string>> = [
      { client_id: knownClientId, object_id: objectId },
      { client_id: knownClientId, mi_res_id: resourceId },
      { object_id: objectId, mi_res_id: resourceId },
    ];
    for (const query of combinations) {
      const response = await identityRequest(query);
      assert.equal(response.status, 400, JSON.stringify(query));
      assert.match(
        (response.body as { message?: string }).message ?? "",
        /Only one of client_id, object_id or mi_res_id/,
      );
    }
    assert.equal((await identityRequest({ object_id: objectId })).status, 200);
  });

  it("issues short-lived tokens that msal fetches again on every request instead of serving from its cache", async () => {
    const shortLived = "4a5b6c7d-8e9f-4a0b-8c1d-2e3f4a5b6c7d";
    fixture.emulator.load({
      ...scenario,
      managedIdentity: { userAssignedClientIds: [shortLived], tokenLifetimeSeconds: 120 },
    });
    const credential = fixture.credential(shortLived);
    const first = await credential.getToken("https://management.azure.com/.default");
    const second = await credential.getToken("https://management.azure.com/.default");
    assert.ok(first && second);
    assert.notEqual(first.token, second.token);
    assert.ok(first.expiresOnTimestamp <= Date.now() + 120_000);
    await collect(fixture.createClient(subscriptionId, { clientId: shortLived }).hostPools.list());
    assert.equal(fixture.emulator.calls()[0]?.status, 200);
    assert.ok(fixture.emulator.tokenRequests().length >= 2);
  });
});
