import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { readHostQueueSettings } from "../../local/hostQueueSettings";

const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function appWithHostJson(hostJson: object): string {
  const folder = mkdtempSync(path.join(tmpdir(), "host-json-"));
  folders.push(folder);
  writeFileSync(path.join(folder, "host.json"), JSON.stringify(hostJson));
  return folder;
}

describe("host.json extensions.queues", () => {
  it("falls back to the host's documented defaults", () => {
    assert.deepEqual(readHostQueueSettings(appWithHostJson({ version: "2.0" }), {}), {
      batchSize: 16,
      newBatchThreshold: 8,
      maxPollingIntervalMs: 60_000,
      visibilityTimeoutMs: 0,
      maxDequeueCount: 5,
      messageEncoding: "base64",
    });
  });

  it("reads TimeSpans and milliseconds, and derives newBatchThreshold from batchSize", () => {
    const settings = readHostQueueSettings(
      appWithHostJson({
        extensions: {
          queues: {
            batchSize: 5,
            maxPollingInterval: "00:00:02.5",
            visibilityTimeout: "1.00:01:00",
            messageEncoding: "None",
          },
        },
      }),
      {},
    );
    assert.equal(settings.newBatchThreshold, 2);
    assert.equal(settings.maxPollingIntervalMs, 2500);
    assert.equal(settings.visibilityTimeoutMs, (24 * 60 + 1) * 60_000);
    assert.equal(settings.messageEncoding, "none");
    const legacy = readHostQueueSettings(appWithHostJson({ extensions: { queues: { maxPollingInterval: 2000 } } }), {});
    assert.equal(legacy.maxPollingIntervalMs, 2000);
  });

  it("lets app settings override host.json, as AzureFunctionsJobHost__extensions__queues__<name>", () => {
    const settings = readHostQueueSettings(appWithHostJson({ extensions: { queues: { maxDequeueCount: 3 } } }), {
      AzureFunctionsJobHost__extensions__queues__maxDequeueCount: "7",
      AzureFunctionsJobHost__extensions__queues__maxPollingInterval: "00:00:01",
    });
    assert.equal(settings.maxDequeueCount, 7);
    assert.equal(settings.maxPollingIntervalMs, 1000);
  });

  it("refuses a batch size the host refuses, naming the setting", () => {
    assert.throws(
      () => readHostQueueSettings(appWithHostJson({ extensions: { queues: { batchSize: 64 } } }), {}),
      /extensions\.queues\.batchSize/,
    );
  });
});
