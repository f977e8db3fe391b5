import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { createRuntimeLoader } from "../../src/lib/app/createRuntimeLoader";
import { createUserSignoutHandler } from "../../src/lib/http/userSignoutHandler";
import { createOperationStatusHandler } from "../../src/lib/http/operationStatusHandler";
import { createJobConsumerHandler } from "../../src/lib/jobs/jobConsumerHandlers";
import type { HttpHandler } from "../../src/lib/http/withRuntime";
import { startAsyncHarness, type AsyncHarness } from "./asyncHarness";
import { aliceSessions, tenantScenario } from "../integration/tenantScenario";
import { signOutStages } from "../../src/lib/engine/signOutOrder";

let harness: AsyncHarness;

before(async () => {
  harness = await startAsyncHarness(tenantScenario());
});
after(() => harness.close());

/** The same app, Storage and emulator as the harness's, with one asynchronous-only setting the app refuses. */
function appWith(setting: string, value: string) {
  const loadRuntime = createRuntimeLoader({
    environment: { ...harness.settings, [setting]: value },
    armPipelineOptions: { tlsOptions: { ca: harness.emulator.caCertificatePem } },
  });
  return {
    signOut: createUserSignoutHandler(loadRuntime),
    status: createOperationStatusHandler(loadRuntime),
    consumer: createJobConsumerHandler(loadRuntime),
  };
}

async function post(handler: HttpHandler, body: unknown, headers: Record<string, string> = {}) {
  const response = await handler(
    new HttpRequest({
      method: "POST",
      url: "https://avd-signout.example.net/api/avd/user-signout",
      headers: { "content-type": "application/json", ...headers },
      body: { string: JSON.stringify(body) },
    }),
    new InvocationContext({ invocationId: "fault-test", functionName: "userSignout", logHandler: () => undefined }),
  );
  return {
    status: response.status ?? 200,
    body: response.jsonBody as { error: { code: string }; counts: { signedOut: number } },
  };
}

async function queuedMessages(): Promise<number> {
  return (await harness.queue.getProperties()).approximateMessagesCount ?? 0;
}

// One each: past a bound, beside another setting, and not a number at all.
const refusedSettings: readonly [string, string][] = [
  ["AVD_JOB_MESSAGE_TIMEOUT_SECONDS", "3600"],
  ["AVD_OPERATION_RETENTION_DAYS", "91"],
  ["AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS", "soon"],
  ["AVD_JOB_DEADLINE_SECONDS", "600"],
];

describe("an asynchronous-only setting the app refuses", () => {
  for (const [setting, value] of refusedSettings) {
    it(`${setting}=${value}: asynchronous calls answer 500 naming it and queue nothing; synchronous sign-out still works`, async () => {
      harness.emulator.load(tenantScenario());
      await harness.queue.clearMessages();
      const app = appWith(setting, value);

      const asynchronousCalls: { body: unknown; headers: Record<string, string> }[] = [
        { body: { userPrincipalName: "alice@contoso.com" }, headers: { prefer: "respond-async" } },
        { body: { userPrincipalName: "alice@contoso.com", async: true }, headers: {} },
      ];
      for (const asynchronous of asynchronousCalls) {
        const refused = await post(app.signOut, asynchronous.body, asynchronous.headers);
        assert.equal(refused.status, 500);
        assert.equal(refused.body.error.code, "ConfigurationError");
        assert.match(JSON.stringify(refused.body.error), new RegExp(setting));
      }
      assert.equal(await queuedMessages(), 0, "nothing queued");
      assert.equal(harness.emulator.calls().length, 0, "nothing reached ARM");

      const status = await app.status(
        new HttpRequest({
          method: "GET",
          url: "https://avd-signout.example.net/api/avd/user-signout/operations/op?token=t",
          params: { operationId: "AAAAAAAAAAAAAAAAAAAAAA" },
        }),
        new InvocationContext({
          invocationId: "status",
          functionName: "userSignoutOperation",
          logHandler: () => undefined,
        }),
      );
      assert.equal(status.status, 500, "the status URL names the setting too");
      assert.match(JSON.stringify(status.jsonBody), new RegExp(setting));

      const synchronous = await post(app.signOut, { userPrincipalName: "alice@contoso.com" });
      assert.equal(synchronous.status, 200, JSON.stringify(synchronous.body));
      assert.equal(synchronous.body.counts.signedOut, aliceSessions.length);
    });
  }

  it("hands a queued message back to the host (to retry, not to lose) while the setting stays refused", async () => {
    const app = appWith("AVD_JOB_MESSAGE_TIMEOUT_SECONDS", "3600");
    await assert.rejects(
      app.consumer(
        { v: 2, operationId: "AAAAAAAAAAAAAAAAAAAAAA", chunk: 0, stage: signOutStages[0] },
        new InvocationContext({ invocationId: "job", functionName: "userSignoutJob", logHandler: () => undefined }),
      ),
      /AVD_JOB_MESSAGE_TIMEOUT_SECONDS/,
    );
  });
});
