import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Scenario } from "../../emulator/scenario";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";
import { rawArmRequest } from "./rawArmRequest";

const subscriptionId = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
const pool = `/subscriptions/${subscriptionId}/resourceGroups/rg-1/providers/Microsoft.DesktopVirtualization/hostPools/hp-1`;
const apiVersion = "api-version=2024-04-03";
const lagMs = 5_000;

function scenario(options: { listingLagMs?: number; stuck?: boolean } = {}): Scenario {
  return {
    ...(options.listingLagMs === undefined ? {} : { listingLagMs: options.listingLagMs }),
    subscriptions: [
      {
        id: subscriptionId,
        hostPools: [
          {
            name: "hp-1",
            resourceGroup: "rg-1",
            sessionHosts: [
              {
                name: "sh-0",
                sessions: [
                  {
                    id: "1",
                    userPrincipalName: "alice@contoso.com",
                    sessionState: "Active",
                    ...(options.stuck === true ? { stuck: true as const } : {}),
                  },
                  { id: "2", userPrincipalName: "bob@contoso.com", sessionState: "Active" },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

/** Raw HTTP on both listeners, so that this emulator may run on its own clock (msal is not involved). */
describe("actions the service answers but that do not (yet) show in its listings", () => {
  let emulator: RunningEmulator;
  let nowMs = Date.UTC(2026, 0, 5, 9, 0, 0);
  let token: string;
  before(async () => {
    emulator = await startEmulator({ scenario: scenario(), now: () => nowMs });
    const url = new URL(emulator.identityEndpoint);
    url.search = new URLSearchParams({
      "api-version": "2019-08-01",
      resource: "https://management.azure.com",
    }).toString();
    const response = await fetch(url, { headers: { "X-IDENTITY-HEADER": emulator.identityHeader } });
    token = ((await response.json()) as { access_token: string }).access_token;
  });
  after(() => emulator.close());
  beforeEach(() => emulator.load(scenario()));

  const arm = (method: string, path: string) =>
    rawArmRequest(emulator, {
      method,
      path: `${pool}${path}?${apiVersion}${method === "DELETE" ? "&force=true" : ""}`,
      bearerToken: token,
    });
  const listed = async (filter?: string): Promise<string[]> => {
    const query = filter === undefined ? "" : `&$filter=${encodeURIComponent(filter)}`;
    const response = await rawArmRequest(emulator, {
      path: `${pool}/userSessions?${apiVersion}${query}`,
      bearerToken: token,
    });
    assert.equal(response.status, 200);
    const body = response.body as { value: Array<{ id: string; properties: { sessionState: string } }> };
    return body.value.map((session) => `${session.id.split("/").pop()} ${session.properties.sessionState}`);
  };
  const held = (): string[] => emulator.sessions().map((session) => `${session.sessionId} ${session.sessionState}`);

  it("answers a stuck session's log off as a success and keeps it, listed and held", async () => {
    emulator.load(scenario({ stuck: true }));
    const deleted = await arm("DELETE", "/sessionHosts/sh-0/userSessions/1");
    assert.equal(deleted.status, 204);
    assert.deepEqual(await listed(), ["1 Active", "2 Active"]);
    assert.deepEqual(held(), ["1 Active", "2 Active"]);
    assert.equal((await arm("DELETE", "/sessionHosts/sh-0/userSessions/2")).status, 204);
    assert.deepEqual(held(), ["1 Active"], "a session that is not stuck is logged off as before");
  });

  it("answers a stuck session's disconnect with 200 and leaves it Active", async () => {
    emulator.load(scenario({ stuck: true }));
    assert.equal((await arm("POST", "/sessionHosts/sh-0/userSessions/1/disconnect")).status, 200);
    assert.deepEqual(await listed(), ["1 Active", "2 Active"]);
    assert.deepEqual(held(), ["1 Active", "2 Active"]);
  });

  it("keeps listing a logged-off session for the lag on its clock, while it is gone at once for everything else", async () => {
    emulator.load(scenario({ listingLagMs: lagMs }));
    assert.equal((await arm("DELETE", "/sessionHosts/sh-0/userSessions/1")).status, 204);
    assert.deepEqual(held(), ["2 Active"]);
    assert.deepEqual(await listed(), ["2 Active", "1 Active"]);
    assert.deepEqual(await listed("userPrincipalName eq 'alice@contoso.com'"), ["1 Active"]);
    assert.equal((await arm("GET", "/sessionHosts/sh-0/userSessions/1")).status, 404);
    const byHost = await rawArmRequest(emulator, {
      path: `${pool}/sessionHosts/sh-0/userSessions?${apiVersion}`,
      bearerToken: token,
    });
    assert.equal((byHost.body as { value: unknown[] }).value.length, 2, "the session host's listing lags too");
    nowMs += lagMs - 1;
    assert.deepEqual(await listed(), ["2 Active", "1 Active"]);
    nowMs += 1;
    assert.deepEqual(await listed(), ["2 Active"]);
  });

  it("lists a disconnected session in its old state for the lag, and filters on that listed state", async () => {
    emulator.load(scenario({ listingLagMs: lagMs }));
    assert.equal((await arm("POST", "/sessionHosts/sh-0/userSessions/1/disconnect")).status, 200);
    assert.deepEqual(held(), ["1 Disconnected", "2 Active"]);
    assert.deepEqual(await listed(), ["1 Active", "2 Active"]);
    assert.deepEqual(await listed("sessionState eq 'Disconnected'"), []);
    nowMs += lagMs;
    assert.deepEqual(await listed(), ["1 Disconnected", "2 Active"]);
    assert.deepEqual(await listed("sessionState eq 'Disconnected'"), ["1 Disconnected"]);
  });

  it("shows every action at once without a lag", async () => {
    assert.equal((await arm("DELETE", "/sessionHosts/sh-0/userSessions/1")).status, 204);
    assert.equal((await arm("POST", "/sessionHosts/sh-0/userSessions/2/disconnect")).status, 200);
    assert.deepEqual(await listed(), ["2 Disconnected"]);
  });
});
