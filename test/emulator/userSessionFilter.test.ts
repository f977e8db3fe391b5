import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Scenario } from "../../emulator/scenario";
import { startEmulatorFixture, type EmulatorFixture } from "../support/emulatorFixture";
import { collect } from "./collect";

const subscriptionId = "5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

const scenario: Scenario = {
  subscriptions: [
    {
      id: subscriptionId,
      hostPools: [
        {
          name: "hp-office",
          resourceGroup: "rg-avd",
          sessionHosts: [
            {
              name: "sh-0.contoso.com",
              sessions: [
                { id: "1", userPrincipalName: "alice@contoso.com", sessionState: "Active" },
                { id: "2", userPrincipalName: "Alice@Contoso.com", sessionState: "Disconnected" },
                { id: "3", userPrincipalName: "o'brien@contoso.com", sessionState: "Active" },
              ],
            },
            {
              name: "sh-1.contoso.com",
              sessions: [
                { id: "1", userPrincipalName: "bob@contoso.com", sessionState: "Disconnected" },
                { id: "2", userPrincipalName: "alice@contoso.com.evil.example", sessionState: "Active" },
                { id: "3", userPrincipalName: "carol@contoso.com", sessionState: "Pending" },
              ],
            },
          ],
        },
        {
          name: "hp-legacy",
          resourceGroup: "rg-avd",
          ignoresFilter: true,
          sessionHosts: [
            {
              name: "sh-9.contoso.com",
              sessions: [
                { id: "1", userPrincipalName: "alice@contoso.com", sessionState: "Active" },
                { id: "2", userPrincipalName: "bob@contoso.com", sessionState: "Active" },
              ],
            },
          ],
        },
      ],
    },
  ],
};

describe("$filter on user-session listings", () => {
  let fixture: EmulatorFixture;
  before(async () => {
    fixture = await startEmulatorFixture(scenario);
  });
  beforeEach(() => fixture.emulator.load(scenario));
  after(() => fixture.close());

  const listed = async (filter: string, hostPool = "hp-office"): Promise<string[]> => {
    const sessions = await collect(
      fixture.createClient(subscriptionId).userSessions.listByHostPool("rg-avd", hostPool, { filter }),
    );
    return sessions.map((session) => `${session.userPrincipalName}|${session.sessionState}`);
  };

  it("matches a UPN exactly and case-sensitively by default, never a look-alike", async () => {
    assert.deepEqual(await listed("userPrincipalName eq 'alice@contoso.com'"), ["alice@contoso.com|Active"]);
  });

  it("matches a UPN in any case when the scenario says comparison is case-insensitive", async () => {
    fixture.emulator.load({ ...scenario, filterCaseSensitive: false });
    assert.deepEqual(await listed("userPrincipalName eq 'ALICE@contoso.com'"), [
      "alice@contoso.com|Active",
      "Alice@Contoso.com|Disconnected",
    ]);
  });

  it("reads a doubled quote inside a literal as one quote", async () => {
    assert.deepEqual(await listed("userPrincipalName eq 'o''brien@contoso.com'"), ["o'brien@contoso.com|Active"]);
  });

  it("matches everyone when an unescaped quote injects an 'or' clause", async () => {
    const injectedUpn = "x' or userPrincipalName ne 'x";
    assert.equal((await listed(`userPrincipalName eq '${injectedUpn}'`)).length, 6);
  });

  it("answers 400 InvalidFilter to a malformed filter", async () => {
    const client = fixture.createClient(subscriptionId);
    for (const filter of [
      "userPrincipalName eq 'o'brien@contoso.com'",
      "userPrincipalName eq",
      "userPrincipalName eq 'unterminated",
      "(userPrincipalName eq 'a@contoso.com'",
      "displayName eq 'Alice'",
      "userPrincipalName gt 'a'",
      "userPrincipalName eq alice",
    ]) {
      await assert.rejects(
        collect(client.userSessions.listByHostPool("rg-avd", "hp-office", { filter })),
        (error: unknown) => {
          const { statusCode, code, message } = error as { statusCode?: number; code?: string; message?: string };
          assert.equal(statusCode, 400, filter);
          assert.equal(code, "InvalidFilter", filter);
          assert.match(message ?? "", /Invalid \$filter/);
          return true;
        },
      );
    }
  });

  it("combines ne, and, or and parentheses", async () => {
    assert.deepEqual(
      await listed(
        "(sessionState eq 'Active' or sessionState eq 'Pending') and userPrincipalName ne 'alice@contoso.com.evil.example'",
      ),
      ["alice@contoso.com|Active", "o'brien@contoso.com|Active", "carol@contoso.com|Pending"],
    );
    assert.deepEqual(
      await listed("userPrincipalName eq 'bob@contoso.com' or userPrincipalName eq 'carol@contoso.com'"),
      ["bob@contoso.com|Disconnected", "carol@contoso.com|Pending"],
    );
  });

  it("accepts the REST example's form: `state` and a lower-case state name", async () => {
    assert.deepEqual(await listed("userPrincipalName eq 'bob@contoso.com' and state eq 'disconnected'"), [
      "bob@contoso.com|Disconnected",
    ]);
  });

  it("returns every session from a host pool that ignores the filter", async () => {
    assert.deepEqual(await listed("userPrincipalName eq 'alice@contoso.com'", "hp-legacy"), [
      "alice@contoso.com|Active",
      "bob@contoso.com|Active",
    ]);
  });

  it("passes the filter to the service in the $filter query parameter", async () => {
    await listed("userPrincipalName eq 'bob@contoso.com'");
    assert.equal(fixture.emulator.calls()[0]?.query["$filter"], "userPrincipalName eq 'bob@contoso.com'");
  });
});
