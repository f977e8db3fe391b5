import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchRoute } from "../../local/matchRoute";

describe("route templates", () => {
  it("matches literal routes case-insensitively and nothing longer or shorter", () => {
    assert.deepEqual(matchRoute("avd/user-signout", "AVD/User-Signout"), {});
    assert.equal(matchRoute("avd/user-signout", "avd/user-signout/extra"), undefined);
    assert.equal(matchRoute("avd/user-signout", "avd"), undefined);
  });

  it("captures parameters, optional parameters, constraints and catch-alls", () => {
    assert.deepEqual(matchRoute("avd/jobs/{jobId}", "avd/jobs/a%20b"), { jobId: "a b" });
    assert.deepEqual(matchRoute("avd/jobs/{jobId:guid}", "avd/jobs/1"), { jobId: "1" });
    assert.deepEqual(matchRoute("items/{id?}", "items"), {});
    assert.equal(matchRoute("items/{id}", "items"), undefined);
    assert.deepEqual(matchRoute("files/{*path}", "files/a/b"), { path: "a/b" });
  });
});
