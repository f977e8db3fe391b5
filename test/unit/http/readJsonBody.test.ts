import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpRequest } from "@azure/functions";
import { findDuplicateKeys } from "../../../src/lib/base/findDuplicateKeys";
import { maxBodyBytes, readJsonBody } from "../../../src/lib/http/readJsonBody";

const request = (bytes: Buffer) =>
  new HttpRequest({ method: "POST", url: "http://localhost/api/avd/user-signout", body: { bytes } });

describe("readJsonBody", () => {
  it("reads what the platform's request.json() reads, a leading byte order mark included", async () => {
    for (const text of [
      '{"userPrincipalName":"alice@contoso.com"}',
      '\uFEFF{"userPrincipalName":"alice@contoso.com"}',
      '\uFEFF {"reason":"Zoë 李"}\n',
    ]) {
      const bytes = Buffer.from(text, "utf8");
      const read = await readJsonBody(request(bytes));
      assert.ok(read.ok, JSON.stringify(text));
      assert.deepEqual(read.value, await request(bytes).json());
    }
  });

  it("still counts the byte order mark against the size limit", async () => {
    const body = `{"reason":"${"x".repeat(maxBodyBytes - 13)}"}`;
    assert.equal(Buffer.byteLength(body), maxBodyBytes);
    assert.ok((await readJsonBody(request(Buffer.from(body)))).ok);
    const withMark = await readJsonBody(request(Buffer.from(`\uFEFF${body}`)));
    assert.equal(withMark.ok ? undefined : withMark.error.code, "BodyTooLarge");
  });

  it("refuses a body that gives a key twice, naming its path", async () => {
    const read = await readJsonBody(
      request(Buffer.from('{"userPrincipalName":"a@b.cd","dryRun":true,"dryRun":false}')),
    );
    assert.ok(!read.ok);
    assert.equal(read.error.code, "DuplicateKey");
    assert.deepEqual(read.error.code === "DuplicateKey" ? read.error.fields : [], ["dryRun"]);
  });

  it("keeps answering invalid JSON as such, before looking for repeated keys", async () => {
    const read = await readJsonBody(request(Buffer.from('{"dryRun":true,"dryRun":')));
    assert.equal(read.ok ? undefined : read.error.code, "InvalidJson");
  });
});

describe("findDuplicateKeys", () => {
  it("finds nothing in bodies without repeats, however keys look", () => {
    for (const text of [
      '{"a":1,"b":{"a":2,"b":[{"a":3},{"a":4}]},"c":"\\"a\\":1,\\"a\\":2"}',
      '[{"a":1},{"a":1}]',
      '{"a":{"a":{"a":{}}}}',
      '{"":1,"\\u0000":2," ":3}',
      '"a"',
      "42",
    ]) {
      assert.deepEqual(findDuplicateKeys(text), [], text);
    }
  });

  it("names a repeated key by its path, at any depth, in arrays too", () => {
    assert.deepEqual(findDuplicateKeys('{"dryRun":true,"dryRun":false}'), ["dryRun"]);
    assert.deepEqual(findDuplicateKeys('{"notify":{"title":"a","message":"m","title":"b"}}'), ["notify.title"]);
    assert.deepEqual(findDuplicateKeys('{"x":[1,{"a":[],"b":0},{"b":1,"a":{},"b":2}]}'), ["x.2.b"]);
    assert.deepEqual(findDuplicateKeys('[{"a":1},{"a":{"q":1,"q":2}}]'), ["1.a.q"]);
    assert.deepEqual(findDuplicateKeys(' { "a" : 1 , "a" : 2 } '), ["a"]);
  });

  it("compares keys as JSON.parse reads them: escapes decoded", () => {
    assert.deepEqual(findDuplicateKeys('{"dry\\u0052un":true,"dryRun":false}'), ["dryRun"]);
    assert.deepEqual(findDuplicateKeys('{"a\\"b":1,"a\\u0022b":2}'), ['a"b']);
    assert.deepEqual(findDuplicateKeys('{"a\\\\":1,"a\\u005c":2}'), ["a\\"]);
  });

  it("names each path once, in the order keys repeat, at most ten", () => {
    assert.deepEqual(findDuplicateKeys('{"a":1,"b":1,"b":2,"a":2,"a":3}'), ["b", "a"]);
    const many = `{${Array.from({ length: 30 }, (_, i) => `"k${i}":1,"k${i}":2`).join(",")}}`;
    assert.equal(findDuplicateKeys(many).length, 10);
  });

  it("reads a 64 KiB nest of 8,192 levels without recursing, naming the path from the top", () => {
    const depth = maxBodyBytes / 8;
    const text = `${'{"a":['.repeat(depth)}${"]}".repeat(depth)}`;
    assert.deepEqual(findDuplicateKeys(text), []);
    const repeated = `${'{"a":['.repeat(depth)}{"z":1,"z":2}${"]}".repeat(depth)}`;
    assert.equal(findDuplicateKeys(repeated)[0]?.split(".").length, depth * 2 + 1);
  });
});
