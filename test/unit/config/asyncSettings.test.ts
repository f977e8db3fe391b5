import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  hostFunctionTimeoutSeconds,
  jobMessageTimeoutMarginSeconds,
  parseAppConfig,
  type Environment,
} from "../../../src/lib/config/appConfig";
import { createRuntimeLoader } from "../../../src/lib/app/createRuntimeLoader";

const base: Environment = { AVD_SUBSCRIPTION_IDS: "11111111-1111-1111-1111-111111111111" };

function storageOf(env: Environment) {
  const runtime = createRuntimeLoader({ environment: env })();
  assert.ok(runtime.ok);
  return runtime.value.storage();
}

function parsed(env: Environment) {
  const result = parseAppConfig(env);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  return result.value;
}

/** The asynchronous settings' fault: parsing the whole configuration still succeeds. */
function asyncFault(env: Environment) {
  const config = parsed(env);
  assert.ok(!config.async.ok, "the asynchronous settings are refused");
  return config.async.error;
}

function asyncOf(env: Environment) {
  const config = parsed(env);
  assert.ok(config.async.ok, JSON.stringify(!config.async.ok && config.async.error));
  return config.async.value;
}

describe("settings for asynchronous calls", () => {
  it("defaults: 7 days' retention, a grace period of up to an hour, a two-hour job deadline, 240 s per message", () => {
    const config = asyncOf(base);
    assert.equal(config.operationRetentionMs, 7 * 86_400_000);
    assert.equal(config.asyncMaxGracePeriodSeconds, 3600);
    assert.equal(config.jobDeadlineMs, 7_200_000);
    assert.equal(config.jobMessageTimeoutMs, 240_000);
  });

  it("keeps synchronous calls working without Storage, and names AzureWebJobsStorage for asynchronous ones", () => {
    const config = parsed(base);
    assert.equal(config.storage.ok, false);
    assert.ok(!config.storage.ok && config.storage.error.setting === "AzureWebJobsStorage");
    const storage = storageOf(base);
    assert.ok(
      !storage.ok && storage.error.code === "ConfigurationError" && storage.error.setting === "AzureWebJobsStorage",
    );
  });

  it("reads a connection string locally", () => {
    const config = parsed({ ...base, AzureWebJobsStorage: "UseDevelopmentStorage=true" });
    assert.deepEqual(config.storage, {
      ok: true,
      value: { kind: "connectionString", connectionString: "UseDevelopmentStorage=true" },
    });
    const notOne = parsed({ ...base, AzureWebJobsStorage: "hello" });
    assert.ok(!notOne.storage.ok && notOne.storage.error.setting === "AzureWebJobsStorage");
  });

  it("reads the identity-based connection as the Functions host does, with its own client id", () => {
    const config = parsed({
      ...base,
      IDENTITY_ENDPOINT: "http://127.0.0.1:41234/msi/token",
      IDENTITY_HEADER: "secret",
      AzureWebJobsStorage__queueServiceUri: "https://avdsignout.queue.core.windows.net/",
      AzureWebJobsStorage__tableServiceUri: "https://avdsignout.table.core.windows.net",
      AzureWebJobsStorage__credential: "managedidentity",
      AzureWebJobsStorage__clientId: "22222222-2222-4222-8222-222222222222",
    });
    assert.deepEqual(config.storage, {
      ok: true,
      value: {
        kind: "identity",
        queueServiceUri: "https://avdsignout.queue.core.windows.net",
        tableServiceUri: "https://avdsignout.table.core.windows.net",
        credential: "managedIdentity",
        clientId: "22222222-2222-4222-8222-222222222222",
      },
    });
    const storage = storageOf({
      ...base,
      IDENTITY_ENDPOINT: "http://127.0.0.1:41234/msi/token",
      IDENTITY_HEADER: "secret",
      AzureWebJobsStorage__queueServiceUri: "https://avdsignout.queue.core.windows.net/",
      AzureWebJobsStorage__tableServiceUri: "https://avdsignout.table.core.windows.net",
      AzureWebJobsStorage__credential: "managedidentity",
      AzureWebJobsStorage__clientId: "22222222-2222-4222-8222-222222222222",
    });
    assert.ok(storage.ok);
    assert.equal(storage.value.queue.url, "https://avdsignout.queue.core.windows.net/avd-signout-jobs");
    assert.match(storage.value.table.url, /^https:\/\/avdsignout\.table\.core\.windows\.net/);
  });

  it("names the setting at fault, without failing synchronous calls", () => {
    const half = parsed({ ...base, AzureWebJobsStorage__queueServiceUri: "https://a.queue.core.windows.net" });
    assert.ok(!half.storage.ok && half.storage.error.setting === "AzureWebJobsStorage__tableServiceUri");
    const credential = parsed({
      ...base,
      AzureWebJobsStorage__queueServiceUri: "https://a.queue.core.windows.net",
      AzureWebJobsStorage__tableServiceUri: "https://a.table.core.windows.net",
      AzureWebJobsStorage__credential: "password",
    });
    assert.ok(!credential.storage.ok && credential.storage.error.setting === "AzureWebJobsStorage__credential");
  });

  it("refuses a job deadline that the longest grace period would not fit in", () => {
    const result = asyncFault({
      ...base,
      AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS: "3600",
      AVD_JOB_DEADLINE_SECONDS: "600",
    });
    assert.equal(result.setting, "AVD_JOB_DEADLINE_SECONDS");
    assert.equal(asyncFault({ ...base, AVD_OPERATION_RETENTION_DAYS: "0" }).setting, "AVD_OPERATION_RETENTION_DAYS");
  });

  it("holds the job message timeout under host.json's functionTimeout with a margin, naming both", () => {
    const hostJson = JSON.parse(readFileSync(path.resolve(__dirname, "..", "..", "..", "..", "host.json"), "utf8")) as {
      functionTimeout: string;
    };
    const [hours, minutes, seconds] = hostJson.functionTimeout.split(":").map(Number);
    assert.equal(hours! * 3600 + minutes! * 60 + seconds!, hostFunctionTimeoutSeconds, "the constant is host.json's");
    const limit = hostFunctionTimeoutSeconds - jobMessageTimeoutMarginSeconds;
    asyncOf({ ...base, AVD_JOB_MESSAGE_TIMEOUT_SECONDS: String(limit) });
    const over = asyncFault({ ...base, AVD_JOB_MESSAGE_TIMEOUT_SECONDS: "3600" });
    assert.equal(over.setting, "AVD_JOB_MESSAGE_TIMEOUT_SECONDS");
    assert.match(over.message, /functionTimeout/);
    assert.equal(
      asyncFault({ ...base, AVD_JOB_MESSAGE_TIMEOUT_SECONDS: String(limit + 1) }).setting,
      "AVD_JOB_MESSAGE_TIMEOUT_SECONDS",
    );
  });

  it("refuses a retention shorter than the job deadline plus the longest grace period, naming all three", () => {
    const short = asyncFault({
      ...base,
      AVD_OPERATION_RETENTION_DAYS: "1",
      AVD_JOB_DEADLINE_SECONDS: String(86_400),
      AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS: "3600",
    });
    assert.equal(short.setting, "AVD_OPERATION_RETENTION_DAYS");
    assert.match(short.message, /AVD_JOB_DEADLINE_SECONDS.*AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS/);
    asyncOf({
      ...base,
      AVD_OPERATION_RETENTION_DAYS: "2",
      AVD_JOB_DEADLINE_SECONDS: String(86_400),
      AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS: "3600",
    });
  });
});

describe("a bad asynchronous-only setting", () => {
  it("leaves the configuration, synchronous calls' settings included, loadable", () => {
    const config = parsed({
      ...base,
      AzureWebJobsStorage: "UseDevelopmentStorage=true",
      AVD_JOB_DEADLINE_SECONDS: "x",
    });
    assert.equal(config.deadlineMs, 90_000);
    assert.ok(!config.async.ok && config.async.error.setting === "AVD_JOB_DEADLINE_SECONDS");
  });

  it("refuses Storage to every asynchronous caller, naming the setting, even with Storage configured", () => {
    const storage = storageOf({
      ...base,
      AzureWebJobsStorage: "UseDevelopmentStorage=true",
      AVD_OPERATION_RETENTION_DAYS: "365",
    });
    assert.ok(!storage.ok && storage.error.setting === "AVD_OPERATION_RETENTION_DAYS");
  });
});
