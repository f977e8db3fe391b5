import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AvdSubscriptionClient } from "../../src/azure/avdClient";
import { signOutUsers, type SignOutUsersOptions } from "../../src/engine/signOutUsers";

const subscription = "11111111-1111-4111-8111-111111111111";
const poolId = `/subscriptions/${subscription}/resourcegroups/rg/providers/Microsoft.DesktopVirtualization/hostpools/hp`;

function pages<T>(items: T[]) {
  return {
    byPage: () => [items][Symbol.iterator](),
  };
}

/** An in-memory subscription with one host pool, recording every action in order. */
function fakeClient(actions: string[]) {
  const session = (id: string, upn: string, sessionState: string) => ({
    id: `${poolId}/sessionhosts/h.contoso.com/usersessions/${id}`,
    userPrincipalName: upn,
    sessionState,
  });
  const client = {
    hostPools: { list: () => pages([{ id: poolId, name: "hp" }]) },
    userSessions: {
      listByHostPool: () =>
        pages([session("1", "alice@contoso.com", "Active"), session("2", "bob@contoso.com", "Active")]),
      sendMessage: (_rg: string, _hp: string, _sh: string, id: string) => {
        actions.push(`message ${id}`);
        return Promise.resolve();
      },
      delete: (_rg: string, _hp: string, _sh: string, id: string) => {
        actions.push(`delete ${id}`);
        return Promise.resolve();
      },
      disconnect: (_rg: string, _hp: string, _sh: string, id: string) => {
        actions.push(`disconnect ${id}`);
        return Promise.resolve();
      },
    },
  };
  return client as unknown as AvdSubscriptionClient;
}

function options(actions: string[], overrides: Partial<SignOutUsersOptions>): SignOutUsersOptions {
  return {
    userPrincipalNames: ["alice@contoso.com"],
    batch: false,
    mode: "logoff",
    dryRun: false,
    gracePeriodMs: 0,
    subscriptionIds: [subscription],
    clientFor: () => fakeClient(actions),
    maxConcurrencyPerSubscription: 4,
    serverSideFilter: false,
    abortSignal: new AbortController().signal,
    now: () => 0,
    operationId: "op",
    ...overrides,
  };
}

describe("signOutUsers grace period", () => {
  it("messages, then waits the grace period on the request's signal, then acts", async () => {
    const actions: string[] = [];
    const controller = new AbortController();
    const report = await signOutUsers(
      options(actions, {
        notify: { title: "t", message: "m" },
        gracePeriodMs: 30_000,
        abortSignal: controller.signal,
        wait: (ms, signal) => {
          actions.push(`wait ${ms} ${signal === controller.signal}`);
          return Promise.resolve();
        },
      }),
    );
    assert.deepEqual(actions, ["message 1", "wait 30000 true", "delete 1"]);
    assert.equal(report.status, "completed");
  });

  it("touches nothing when the deadline ends the wait, and reports the sessions as deadlineExceeded", async () => {
    const actions: string[] = [];
    const controller = new AbortController();
    const report = await signOutUsers(
      options(actions, {
        notify: { title: "t", message: "m" },
        gracePeriodMs: 60_000,
        abortSignal: controller.signal,
        wait: (_ms, signal) =>
          new Promise((_, reject) => {
            signal.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })));
            controller.abort();
          }),
      }),
    );
    assert.deepEqual(actions, ["message 1"]);
    assert.equal(report.status, "deadlineExceeded");
    assert.deepEqual(
      report.sessions.map((s) => [s.sessionId, s.outcome, s.error?.code]),
      [["1", "deadlineExceeded", "DeadlineExceeded"]],
    );
  });

  it("does not wait when no message was delivered", async () => {
    const actions: string[] = [];
    await signOutUsers(
      options(actions, {
        userPrincipalNames: ["nobody@contoso.com"],
        notify: { title: "t", message: "m" },
        gracePeriodMs: 60_000,
        wait: () => {
          actions.push("wait");
          return Promise.resolve();
        },
      }),
    );
    assert.deepEqual(actions, []);
  });
});
