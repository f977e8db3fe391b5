import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeQueueMessage } from "../../local/decodeQueueMessage";

describe("queue message decoding", () => {
  it("decodes base64 to UTF-8 text, ignoring white space as .NET does", () => {
    const encoded = Buffer.from('{"upn":"o\'brien@contoso.com","note":"é"}').toString("base64");
    assert.equal(decodeQueueMessage(encoded, "base64"), '{"upn":"o\'brien@contoso.com","note":"é"}');
    assert.equal(
      decodeQueueMessage(`${encoded.slice(0, 8)}\n${encoded.slice(8)}`, "base64"),
      '{"upn":"o\'brien@contoso.com","note":"é"}',
    );
  });

  it("rejects text that is not base64, so the host can poison it", () => {
    for (const text of ['{"jobId":"x"}', "abc", "ab=c", "a===", "not base64!"]) {
      assert.equal(decodeQueueMessage(text, "base64"), undefined, text);
    }
  });

  it("passes the text through with messageEncoding none", () => {
    assert.equal(decodeQueueMessage('{"jobId":"x"}', "none"), '{"jobId":"x"}');
  });
});
