import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { AppRuntime } from "../../src/lib/app/createRuntimeLoader";
import { aliceSessions, everyoneButAlice, tenantScenario } from "./tenantScenario";
import { startSignOutHarness, type CallResult, type SignOutHarness } from "./signOutHarness";

let harness: SignOutHarness;

before(async () => {
  harness = await startSignOutHarness(tenantScenario({ paged: false }));
});
after(() => harness.close());
beforeEach(() => harness.emulator.load(tenantScenario({ paged: false })));

// bob is protected in another case and among other separators, as an operator may paste the list.
const settings = { AVD_PROTECTED_USERS: " breakglass@contoso.com;\n BOB@contoso.com , admin@contoso.com " };
const everyone = [...everyoneButAlice, ...aliceSessions].sort();

function assertRefused(result: CallResult, protectedAccounts: readonly string[], field: string): void {
  assert.equal(result.status, 403);
  const error = result.body.error as {
    code: string;
    details?: Array<{ field: string; code: string; message: string }>;
  };
  assert.equal(error.code, "ProtectedAccount");
  assert.deepEqual(
    error.details?.map((detail) => [detail.field, detail.code, detail.message.split(" ")[0]]),
    protectedAccounts.map((upn) => [field, "protected_account", upn]),
  );
  assert.deepEqual(harness.remaining(), everyone, "no session was touched");
  assert.deepEqual(harness.emulator.calls(), [], "no ARM call was made");
  assert.deepEqual(harness.emulator.tokenRequests(), [], "no token was even asked for");
  assert.ok(result.logs.some((line) => line.includes('"code":"ProtectedAccount"')));
}

// These run first in this process: msal caches tokens per process, so an empty token log means
// that no request so far has reached the credential.
describe("requests that would act on a protected account (AVD_PROTECTED_USERS)", () => {
  it("refuses a sign-out of one protected account, whatever its ASCII case, before any Azure call", async () => {
    const result = await harness.post(harness.handler(settings), { userPrincipalName: "Bob@Contoso.com" });
    assertRefused(result, ["Bob@Contoso.com"], "userPrincipalName");
  });

  it("refuses a whole batch that names a protected account, naming only the protected ones", async () => {
    const result = await harness.post(harness.handler(settings), {
      userPrincipalNames: ["alice@contoso.com", "bob@contoso.com", "carol@contoso.com", "ADMIN@contoso.com"],
    });
    assertRefused(result, ["bob@contoso.com", "ADMIN@contoso.com"], "userPrincipalNames");
  });

  it("refuses a disconnect of a protected account", async () => {
    const result = await harness.post(harness.handler(settings), {
      userPrincipalName: "bob@contoso.com",
      mode: "disconnect",
    });
    assertRefused(result, ["bob@contoso.com"], "userPrincipalName");
  });

  it("refuses a message to a protected account", async () => {
    const result = await harness.post(harness.handler(settings), {
      userPrincipalName: "bob@contoso.com",
      mode: "disconnect",
      notify: { title: "Maintenance", message: "You will be disconnected." },
    });
    assertRefused(result, ["bob@contoso.com"], "userPrincipalName");
  });

  it("refuses an asynchronous request before anything is recorded or queued", async () => {
    const runtime = harness.runtime(settings);
    let storageUsed = 0;
    const watched: AppRuntime = {
      ...runtime,
      storage: () => {
        storageUsed++;
        return runtime.storage();
      },
    };
    for (const [body, headers] of [
      [{ userPrincipalNames: ["carol@contoso.com", "bob@contoso.com"] }, { prefer: "respond-async" }],
      [{ userPrincipalName: "bob@contoso.com", async: true }, {}],
    ] as const) {
      const result = await harness.post(harness.handlerFor(watched), body, headers);
      assertRefused(
        result,
        ["bob@contoso.com"],
        "userPrincipalNames" in body ? "userPrincipalNames" : "userPrincipalName",
      );
    }
    assert.equal(storageUsed, 0, "the asynchronous path was never reached");
  });

  it("answers 500 naming AVD_PROTECTED_USERS for a malformed entry, without echoing the list", async () => {
    const result = await harness.post(
      harness.handler({ AVD_PROTECTED_USERS: "breakglass@contoso.com, secret-admin" }),
      { userPrincipalName: "alice@contoso.com" },
    );
    assert.equal(result.status, 500);
    assert.equal(result.body.error?.code, "ConfigurationError");
    assert.equal(result.body.error?.setting, "AVD_PROTECTED_USERS");
    assert.match(result.body.error?.message ?? "", /entry \(number 2 of 2\)/);
    assert.doesNotMatch(result.body.error?.message ?? "", /secret-admin|breakglass/);
    assert.deepEqual(harness.emulator.calls(), []);
  });

  it("lets a dry run look at a protected account", async () => {
    const result = await harness.post(harness.handler(settings), {
      userPrincipalName: "bob@contoso.com",
      dryRun: true,
    });
    assert.equal(result.status, 200);
    assert.equal(result.body.counts.wouldSignOut, 2);
    assert.deepEqual(harness.remaining(), everyone);
  });

  it("signs out an account that only looks like a protected one", async () => {
    const result = await harness.post(harness.handler({ AVD_PROTECTED_USERS: "alice@contoso.com.evil.example" }), {
      userPrincipalName: "alice@contoso.com",
    });
    assert.equal(result.status, 200);
    assert.deepEqual(harness.remaining(), everyoneButAlice);
  });
});
