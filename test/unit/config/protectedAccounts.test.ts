import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAppConfig } from "../../../src/lib/config/appConfig";
import { findProtectedAccounts } from "../../../src/lib/engine/findProtectedAccounts";

const base = { AVD_SUBSCRIPTION_IDS: "11111111-1111-1111-1111-111111111111" };

function protectedUsers(setting: string): readonly string[] {
  const parsed = parseAppConfig({ ...base, AVD_PROTECTED_USERS: setting });
  assert.ok(parsed.ok, parsed.ok ? "" : parsed.error.message);
  return parsed.value.protectedUsers;
}

describe("AVD_PROTECTED_USERS", () => {
  it("reads UPNs separated by commas, semicolons or white space, trimmed and de-duplicated as sessions are matched", () => {
    assert.deepEqual(
      protectedUsers(" BreakGlass@contoso.com,admin@contoso.com;\n\tbreakglass@CONTOSO.com  o'brien@contoso.com ,"),
      ["BreakGlass@contoso.com", "admin@contoso.com", "o'brien@contoso.com"],
    );
  });

  it("reads Entra object ids beside UPNs, de-duplicated in any case", () => {
    assert.deepEqual(
      protectedUsers(
        "breakglass@contoso.com B4EA6000-0000-4000-8000-00000000000C;b4ea6000-0000-4000-8000-00000000000c",
      ),
      ["breakglass@contoso.com", "B4EA6000-0000-4000-8000-00000000000C"],
    );
  });

  it("refuses the all-zero object id, which names nobody, by position", () => {
    const parsed = parseAppConfig({
      ...base,
      AVD_PROTECTED_USERS: "admin@contoso.com 00000000-0000-0000-0000-000000000000",
    });
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.match(parsed.error.message, /number 2 of 2.*all-zero/);
  });

  it("protects nobody when unset or blank", () => {
    for (const environment of [base, { ...base, AVD_PROTECTED_USERS: "  " }]) {
      const parsed = parseAppConfig(environment);
      assert.ok(parsed.ok);
      assert.deepEqual(parsed.value.protectedUsers, []);
    }
  });

  it("refuses an entry the request schema would refuse, naming the setting and the entry's position but not its value", () => {
    for (const [setting, position] of [
      ["admin@contoso.com, root", "number 2 of 2"],
      ["admin@contoso.com;alice@@contoso.com;bob@contoso.com", "number 2 of 3"],
      ["\u212Aate@contoso.com", "number 1 of 1"],
      ["admin@contoso.com admin.@contoso.com", "number 2 of 2"],
    ] as const) {
      const parsed = parseAppConfig({ ...base, AVD_PROTECTED_USERS: setting });
      assert.equal(parsed.ok, false, setting);
      if (parsed.ok) continue;
      assert.equal(parsed.error.code, "ConfigurationError");
      assert.equal(parsed.error.setting, "AVD_PROTECTED_USERS");
      assert.ok(parsed.error.message.includes(position), parsed.error.message);
      assert.doesNotMatch(parsed.error.message, /root|alice|kate|admin\./i);
    }
  });
});

describe("findProtectedAccounts", () => {
  const order = (userPrincipalNames: string[], dryRun = false) => ({
    users: userPrincipalNames.map((userPrincipalName) => ({ userPrincipalName })),
    dryRun,
  });
  const named = (found: ReturnType<typeof findProtectedAccounts>) => found.map(({ user }) => user.userPrincipalName);

  it("names the requested users that are protected, as the request spells them, in any ASCII case", () => {
    assert.deepEqual(
      named(
        findProtectedAccounts(order(["alice@contoso.com", "ADMIN@Contoso.com", "bob@contoso.com"]), [
          "admin@contoso.com",
          "Bob@Contoso.com",
        ]),
      ),
      ["ADMIN@Contoso.com", "bob@contoso.com"],
    );
  });

  it("takes no look-alike for a protected account: not a Unicode one, not a longer name", () => {
    const protectedList = ["kate@contoso.com", "admin@contoso.com"];
    // The Kelvin sign lower-cases to "k" under Unicode folding; the matching never folds it.
    assert.deepEqual(findProtectedAccounts(order(["\u212Aate@contoso.com"]), protectedList), []);
    assert.deepEqual(
      findProtectedAccounts(
        order(["admin@contoso.com.evil.example", "xadmin@contoso.com", "admin@contoso.co"]),
        protectedList,
      ),
      [],
    );
  });

  it("names a requested object id that is protected, in any case, and which key of the user it was", () => {
    const found = findProtectedAccounts(
      {
        users: [
          { userPrincipalName: "zz_breakglass@contoso.com", objectId: "B4EA6000-0000-4000-8000-00000000000C" },
          { objectId: "b0b00000-0000-4000-8000-00000000000d" },
        ],
        dryRun: false,
      },
      ["admin@contoso.com", "b4ea6000-0000-4000-8000-00000000000c"],
    );
    assert.deepEqual(
      found.map(({ user, keys }) => [user.objectId, keys]),
      [["B4EA6000-0000-4000-8000-00000000000C", ["objectId"]]],
    );
  });

  it("lets a dry run name anyone: it changes nothing", () => {
    assert.deepEqual(findProtectedAccounts(order(["admin@contoso.com"], true), ["admin@contoso.com"]), []);
  });
});
