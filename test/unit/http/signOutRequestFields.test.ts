import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toFieldErrors } from "../../../src/lib/http/fieldErrors";
import {
  createSignOutRequestSchema,
  maxGracePeriodSecondsFor,
  signOutRequestSchema,
} from "../../../src/lib/http/signOutRequest";
import { userPrincipalNamePattern, userPrincipalNameSchema } from "../../../src/lib/base/userPrincipalName";

const upn = "alice@contoso.com";
const subscriptionA = "11111111-1111-4111-8111-111111111111";
const subscriptionB = "22222222-2222-4222-8222-222222222222";

function fields(body: unknown, schema = signOutRequestSchema): string[] {
  const result = schema.safeParse(body);
  return result.success ? [] : toFieldErrors(result.error).map((error) => `${error.field}: ${error.message}`);
}

describe("signOutRequestSchema's new fields", () => {
  it("de-duplicates userPrincipalNames case-insensitively, keeping the first spelling", () => {
    const result = signOutRequestSchema.safeParse({
      userPrincipalNames: ["Alice@contoso.com", "alice@CONTOSO.com", "bob@contoso.com"],
    });
    assert.ok(result.success);
    assert.deepEqual(result.data.userPrincipalNames, ["Alice@contoso.com", "bob@contoso.com"]);
  });

  it("wants exactly one of userPrincipalName and userPrincipalNames", () => {
    assert.deepEqual(fields({ dryRun: true }), [
      "userPrincipalName: is required (or userObjectId, userPrincipalNames or users)",
    ]);
    assert.match(
      fields({ userPrincipalName: upn, userPrincipalNames: [upn] })[0] ?? "",
      /^userPrincipalNames: must not be given together/,
    );
  });

  it("names each rejected field", () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ mode: "shutdown" }, /^mode: must be one of logoff, disconnect/],
      [{ notify: { title: "t" } }, /^notify\.message:/],
      [{ notify: { title: "t", message: "m" }, gracePeriodSeconds: 61 }, /^gracePeriodSeconds: must be at most 60/],
      [{ gracePeriodSeconds: 10 }, /^gracePeriodSeconds: needs notify/],
      [{ subscriptionIds: ["prod"] }, /^subscriptionIds\.0: must be a subscription id/],
      [{ hostPools: ["a/b"] }, /^hostPools\.0:/],
      [{ requestedBy: "x".repeat(257) }, /^requestedBy: must be at most 256/],
      [{ reason: "two\nlines" }, /^reason: must be one line/],
    ];
    for (const [extra, expected] of cases) {
      const problems = fields({ userPrincipalName: upn, ...extra });
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0]!, expected);
    }
  });

  it("lets a caller narrow the configured subscriptions, never widen them, naming the unknown ids", () => {
    const schema = createSignOutRequestSchema({
      maxGracePeriodSeconds: 60,
      configuredSubscriptionIds: [subscriptionA],
    });
    assert.deepEqual(fields({ userPrincipalName: upn, subscriptionIds: [subscriptionA.toUpperCase()] }, schema), []);
    assert.deepEqual(fields({ userPrincipalName: upn, subscriptionIds: [subscriptionA, subscriptionB] }, schema), [
      `subscriptionIds: may only narrow AVD_SUBSCRIPTION_IDS; not configured: ${subscriptionB}`,
    ]);
    const outside = `/subscriptions/${subscriptionB}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp`;
    assert.match(
      fields({ userPrincipalName: upn, hostPools: [outside] }, schema)[0] ?? "",
      /^hostPools: names host pools outside/,
    );
  });

  it("compares subscription ids in any case on both sides, and names what lies outside", () => {
    const lettered = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    const other = "ffffffff-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    const schema = createSignOutRequestSchema({
      maxGracePeriodSeconds: 60,
      configuredSubscriptionIds: [lettered.toUpperCase()],
    });
    const pool = (subscription: string) =>
      `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp`;
    assert.deepEqual(fields({ userPrincipalName: upn, subscriptionIds: [lettered] }, schema), []);
    assert.deepEqual(fields({ userPrincipalName: upn, subscriptionIds: [lettered.toUpperCase()] }, schema), []);
    assert.deepEqual(fields({ userPrincipalName: upn, hostPools: [pool(lettered.toUpperCase()), "hp"] }, schema), []);
    assert.deepEqual(
      fields({ userPrincipalName: upn, subscriptionIds: [lettered], hostPools: [pool(lettered), pool(other)] }, schema),
      [`hostPools: names host pools outside the subscriptions in scope: ${pool(other)}`],
    );
  });

  it("without configured subscriptions, takes any subscription and host pool id", () => {
    const pool = `/subscriptions/${subscriptionB}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp`;
    assert.deepEqual(fields({ userPrincipalName: upn, subscriptionIds: [subscriptionA] }), []);
    assert.deepEqual(fields({ userPrincipalName: upn, hostPools: [pool] }), []);
  });

  it("keeps the grace period inside the deadline: at most 60 s and 30 s short of the deadline", () => {
    assert.equal(maxGracePeriodSecondsFor(90_000), 60);
    assert.equal(maxGracePeriodSecondsFor(220_000), 60);
    assert.equal(maxGracePeriodSecondsFor(40_000), 10);
    assert.equal(maxGracePeriodSecondsFor(20_000), 0);
  });
});

describe("userPrincipalNamePattern", () => {
  it("accepts exactly the UPNs the schema accepts", () => {
    const corpus = [
      "alice@contoso.com",
      "  alice@contoso.com\n",
      "o'brien@contoso.com",
      "a.b-c_d!e#f^g~h@sub.contoso.co.uk",
      "alice_fabrikam.com#EXT#@contoso.onmicrosoft.com",
      `${"g".repeat(200)}#EXT#@contoso.com`,
      `${"g".repeat(260)}#EXT#@contoso.com`,
      `${"a".repeat(64)}@contoso.com`,
      `${"a".repeat(65)}@contoso.com`,
      `alice@${"d".repeat(44)}.com`,
      `alice@${"d".repeat(45)}.com`,
      "alice",
      "alice@@contoso.com",
      "@contoso.com",
      "alice@",
      "alice@localhost",
      "al ice@contoso.com",
      "alice.@contoso.com",
      ".alice@contoso.com",
      "alice@-contoso.com",
      "alice@contoso-.com",
      "alice@contoso..com",
      "\u212Aate@contoso.com",
      "ali\u200Ece@contoso.com",
      "alice@con\u202Etoso.com",
      "\u2028alice@contoso.com\u2029",
      "x' or userPrincipalName ne 'x@contoso.com",
      "",
      "   ",
    ];
    for (const candidate of corpus) {
      assert.equal(
        userPrincipalNamePattern.test(candidate),
        userPrincipalNameSchema.safeParse(candidate).success,
        JSON.stringify(candidate),
      );
    }
  });
});
