import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { QueueClient } from "@azure/storage-queue";
import { TableClient } from "@azure/data-tables";
import { startAzurite, type AzuriteInstance } from "../../local/startAzurite";
import { eventuallyElsewhere } from "../support/manualClock";

let azurite: AzuriteInstance;
before(async () => {
  azurite = await startAzurite();
});
after(() => azurite.close());

describe("Azurite for local runs and tests", () => {
  it("serves queues and tables on loopback through the connection string the app reads", async () => {
    const queue = new QueueClient(azurite.connectionString, "probe");
    await queue.create();
    await queue.sendMessage("hello");
    const received = await queue.receiveMessages();
    assert.equal(received.receivedMessageItems[0]?.messageText, "hello");

    const table = TableClient.fromConnectionString(azurite.connectionString, "probe", {
      allowInsecureConnection: true,
    });
    await table.createTable();
    await table.createEntity({ partitionKey: "p", rowKey: "r", value: 1 });
    assert.equal((await table.getEntity<{ value: number }>("p", "r")).value, 1);
    assert.match(azurite.queueEndpoint, /^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it(
    "ends, removing its folder, when the process that started it is killed outright",
    { timeout: 60_000 },
    async () => {
      const tmp = mkdtempSync(path.join(tmpdir(), "avd-azurite-orphan-"));
      try {
        const starter = spawn(
          process.execPath,
          [
            "-e",
            `require(${JSON.stringify(path.join(__dirname, "..", "..", "local", "startAzurite.js"))}).startAzurite().then((azurite) => console.log(azurite.pid))`,
          ],
          { env: { ...process.env, TMPDIR: tmp }, stdio: ["ignore", "pipe", "inherit"] },
        );
        const azuritePid = await new Promise<number>((resolve) =>
          createInterface({ input: starter.stdout }).once("line", (line) => resolve(Number(line))),
        );
        assert.equal(readdirSync(tmp).length, 1, "Azurite's folder");

        starter.kill("SIGKILL");
        await new Promise<void>((resolve) => {
          const check = (): void => {
            if (readdirSync(tmp).length > 0) return;
            watcher.close();
            resolve();
          };
          const watcher = watch(tmp, check);
          check();
        });
        await eventuallyElsewhere(() => !isAlive(azuritePid), `Azurite (${azuritePid}) to exit`);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  );
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
