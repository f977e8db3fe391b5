import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { createHttpHeaders, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { matchArmRoute } from "../../../emulator/matchArmRoute";
import type { AvdArm } from "../../../src/lib/azure/avdClient";
import {
  listHostPools,
  listSessionHosts,
  listUserSessions,
  type ArmLister,
} from "../../../src/lib/azure/listResources";
import { runSessionAction, type SessionAction } from "../../../src/lib/azure/sessionActions";
import { allResources, readCompiledTemplate, repositoryRoot } from "./armTemplate";

/**
 * The Microsoft.DesktopVirtualization operations the role may hold, as the provider publishes
 * them (Microsoft Learn, "Azure permissions for Compute", section Microsoft.DesktopVirtualization:
 * learn.microsoft.com/azure/role-based-access-control/permissions/compute), with their descriptions.
 */
const publishedOperations = new Map([
  ["Microsoft.DesktopVirtualization/hostpools/read", "Read hostpools"],
  ["Microsoft.DesktopVirtualization/hostpools/usersessions/read", "Read usersessions"],
  ["Microsoft.DesktopVirtualization/hostpools/sessionhosts/read", "Read hostpools/sessionhosts"],
  [
    "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/read",
    "Read hostpools/sessionhosts/usersessions",
  ],
  [
    "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/delete",
    "Delete hostpools/sessionhosts/usersessions",
  ],
  [
    "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/disconnect/action",
    "Disconnects the user session form session host",
  ],
  [
    "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/sendMessage/action",
    "Send message to user session",
  ],
]);

// The host pool's userSessions listing returns session-host user sessions; which of the two reads
// the provider checks for it is not published (the built-in User Session Operator, which the app
// ran with before, holds only the second), so a role that lists must hold both.
const alsoChecked = new Map([
  [
    "microsoft.desktopvirtualization/hostpools/usersessions/read",
    ["microsoft.desktopvirtualization/hostpools/sessionhosts/usersessions/read"],
  ],
]);

/**
 * The built-in roles' actions (Microsoft Learn, "Azure built-in roles for Compute"), as published:
 * User Session Operator holds the session host's user sessions but not the host pool's listing.
 */
const builtInRoleActions = new Map([
  [
    "Desktop Virtualization User Session Operator",
    [
      "Microsoft.Authorization/*/read",
      "Microsoft.Insights/alertRules/*",
      "Microsoft.DesktopVirtualization/hostpools/read",
      "Microsoft.DesktopVirtualization/hostpools/sessionhosts/read",
      "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/*",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Resources/deployments/*",
      "Microsoft.Support/*",
    ],
  ],
  [
    "Desktop Virtualization Host Pool Reader",
    [
      "Microsoft.DesktopVirtualization/hostpools/*/read",
      "Microsoft.DesktopVirtualization/hostpools/read",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Resources/deployments/read",
      "Microsoft.Authorization/*/read",
      "Microsoft.Insights/alertRules/read",
      "Microsoft.Support/*",
    ],
  ],
]);

/** Whether a role's action (with ARM's `*` wildcard, any run of characters) covers a needed one. */
function grants(granted: string, action: string): boolean {
  const pattern = granted
    .toLowerCase()
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${pattern}$`).test(action);
}

interface ArmCall {
  readonly method: string;
  readonly pathname: string;
}

/** An ARM client that answers every request with an empty page or a 200, and remembers it. */
function recordingLister(calls: ArmCall[]): ArmLister {
  return {
    sendRequest: (request: PipelineRequest): Promise<PipelineResponse> => {
      calls.push({ method: request.method, pathname: new URL(request.url).pathname });
      return Promise.resolve({
        request,
        status: 200,
        headers: createHttpHeaders({ "content-type": "application/json" }),
        bodyAsText: JSON.stringify({ value: [] }),
      });
    },
  };
}

const endpoint = "https://management.azure.com";
const hostPool = { subscriptionId: "3f2c6a8e-5b1d-4c7a-9e21-6d8f0b4a2c11", resourceGroup: "rg-avd", hostPool: "hp-1" };
const session = { ...hostPool, sessionHost: "sh-0.contoso.com", sessionId: "3" };

// One of each: a new kind of session action, or a new method of AvdArm, fails to compile here.
const everySessionAction: { [K in SessionAction["kind"]]: Extract<SessionAction, { kind: K }> } = {
  delete: { kind: "delete" },
  disconnect: { kind: "disconnect" },
  sendMessage: { kind: "sendMessage", title: "Maintenance", message: "Please save your work." },
};

/** Every request the app's ARM functions can send, each made once through the real request builders. */
async function armCallsOfTheApp(): Promise<ArmCall[]> {
  const calls: ArmCall[] = [];
  const client = recordingLister(calls);
  const abortSignal = new AbortController().signal;
  const exercise: { [K in keyof AvdArm]: () => Promise<unknown> } = {
    listHostPools: () => listHostPools(client, endpoint, hostPool.subscriptionId, { abortSignal, pageSize: 100 }),
    listUserSessions: async () => {
      await listUserSessions(client, endpoint, hostPool, { abortSignal });
      await listUserSessions(client, endpoint, hostPool, { abortSignal, filter: "userPrincipalName eq 'a@b.c'" });
    },
    listSessionHosts: () => listSessionHosts(client, endpoint, hostPool, { abortSignal }),
    runSessionAction: async () => {
      for (const action of Object.values(everySessionAction))
        await runSessionAction(client, endpoint, session, action, abortSignal);
    },
  };
  for (const run of Object.values(exercise)) await run();
  return calls;
}

/**
 * The RBAC action ARM checks for a request: the provider namespace, then the resource type names
 * of the path (every other segment after the namespace), then the verb — GET read, DELETE
 * delete, PUT/PATCH write, and a POST to `…/{resource}/{name}` the action `{name}/action`.
 */
function rbacAction({ method, pathname }: ArmCall): string {
  const segments = pathname.split("/").filter((segment) => segment !== "");
  const providers = segments.findIndex((segment) => segment.toLowerCase() === "providers");
  assert.ok(providers >= 0, `${pathname} names a resource provider`);
  const namespace = segments[providers + 1]!;
  const rest = segments.slice(providers + 2);
  const types = rest.filter((_, index) => index % 2 === 0).map((type) => type.toLowerCase());
  if (method === "POST") {
    assert.equal(rest.length % 2, 1, `${pathname}: a POST names an action after a resource`);
    const action = rest[rest.length - 1]!;
    return [namespace, ...types.slice(0, -1), action, "action"].join("/").toLowerCase();
  }
  const verb = { GET: "read", DELETE: "delete", PUT: "write", PATCH: "write" }[method];
  assert.ok(verb !== undefined, `${method} ${pathname}`);
  return [namespace, ...types, verb].join("/").toLowerCase();
}

function customRoleActions(): string[] {
  const roles = allResources(readCompiledTemplate()).filter(
    (resource) => resource.type === "Microsoft.Authorization/roleDefinitions",
  );
  assert.equal(roles.length, 1, "one custom role definition in the template");
  const properties = roles[0]!.properties as {
    permissions: { actions: string[]; notActions: string[]; dataActions: string[]; notDataActions: string[] }[];
    assignableScopes: string[];
  };
  assert.equal(properties.permissions.length, 1);
  const [permissions] = properties.permissions as [(typeof properties.permissions)[0]];
  assert.deepEqual([permissions.notActions, permissions.dataActions, permissions.notDataActions], [[], [], []]);
  assert.deepEqual(properties.assignableScopes, ["[subscription().id]"]);
  return permissions.actions;
}

describe("the custom AVD role and the ARM calls the app makes", () => {
  it("derives each call from the app's own request builders, each a route of ARM's (the emulator's)", async () => {
    const calls = await armCallsOfTheApp();
    assert.equal(calls.length, 7);
    for (const call of calls) {
      assert.equal(matchArmRoute(call.method, call.pathname).kind, "operation", `${call.method} ${call.pathname}`);
    }
  });

  it("holds every action the calls need and no other", async () => {
    const needed = new Set(
      (await armCallsOfTheApp()).map(rbacAction).flatMap((action) => [action, ...(alsoChecked.get(action) ?? [])]),
    );
    const held = customRoleActions().map((action) => action.toLowerCase());
    assert.deepEqual(
      [...needed].filter((action) => !held.includes(action)),
      [],
      "actions the role lacks",
    );
    assert.deepEqual(
      held.filter((action) => !needed.has(action)),
      [],
      "actions no call uses",
    );
    assert.equal(new Set(held).size, held.length, "no action twice");
  });

  it("is listed in docs/deploying.md action by action, each with the method of the call that needs it", async () => {
    const page = readFileSync(path.join(repositoryRoot, "docs", "deploying.md"), "utf8");
    const leastPrivilege = page.slice(
      page.indexOf("\n## Least privilege\n"),
      page.indexOf("\n## ", page.indexOf("\n## Least privilege\n") + 1),
    );
    const rows = new Map(
      [...leastPrivilege.matchAll(/^\| `(Microsoft\.DesktopVirtualization\/[^`]+)` +\|(.*)$/gm)].map((match) => [
        match[1]!.toLowerCase(),
        match[2]!,
      ]),
    );
    const held = customRoleActions().map((action) => action.toLowerCase());
    assert.deepEqual([...rows.keys()].sort(), [...held].sort());
    for (const call of await armCallsOfTheApp()) {
      const action = rbacAction(call);
      for (const needed of [action, ...(alsoChecked.get(action) ?? [])]) {
        assert.ok(rows.get(needed)?.includes(`\`${call.method} `), `${needed}: ${call.method}`);
      }
    }
  });

  it("spells every action as the provider's published operations list does", () => {
    for (const action of customRoleActions()) assert.ok(publishedOperations.has(action), action);
  });

  it("names the published description of each action in the template's comment above it", () => {
    const bicep = readFileSync(path.join(repositoryRoot, "infra", "app", "avdSessionRole.bicep"), "utf8");
    for (const [action, description] of publishedOperations) {
      assert.ok(bicep.includes(`'${action}'`), action);
      assert.ok(bicep.includes(`("${description}")`), `${action}: "${description}"`);
    }
  });

  it("lets the built-in option (User Session Operator with Host Pool Reader) make every call, and not the operator alone", async () => {
    const needed = [
      ...new Set(
        (await armCallsOfTheApp()).map(rbacAction).flatMap((action) => [action, ...(alsoChecked.get(action) ?? [])]),
      ),
    ];
    const missing = (roles: readonly string[]): string[] =>
      needed.filter(
        (action) => !roles.some((role) => builtInRoleActions.get(role)!.some((granted) => grants(granted, action))),
      );
    const template = readFileSync(path.join(repositoryRoot, "infra", "main.bicep"), "utf8");
    const assigned = [...builtInRoleActions.keys()].filter((role) => new RegExp(`// ${role}( \\(|\\n)`).test(template));
    assert.deepEqual(assigned.sort(), [
      "Desktop Virtualization Host Pool Reader",
      "Desktop Virtualization User Session Operator",
    ]);
    assert.deepEqual(missing(assigned), [], "actions the built-in pair lacks");
    assert.deepEqual(missing(["Desktop Virtualization User Session Operator"]), [
      "microsoft.desktopvirtualization/hostpools/usersessions/read",
    ]);
  });

  it("names every action of the role, beside its call, in docs/deploying.md's least-privilege section", () => {
    const guide = readFileSync(path.join(repositoryRoot, "docs", "deploying.md"), "utf8");
    const start = guide.indexOf("\n## Least privilege\n");
    assert.ok(start >= 0, "a Least privilege section");
    const section = guide.slice(start, guide.indexOf("\n## ", start + 1));
    const rows = section.split("\n").filter((line) => line.startsWith("| `"));
    for (const action of customRoleActions()) {
      const row = rows.find(
        (line) => line.includes(action) || line.includes(`…${action.slice(action.indexOf("/hostpools"))}`),
      );
      assert.ok(row !== undefined, `${action} in the table`);
      assert.match(row, /^\| `(GET|DELETE|POST) /, `${action}: the call that needs it`);
    }
  });

  it("finds the verb and type of a call as ARM does", () => {
    const base = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp";
    assert.equal(rbacAction({ method: "GET", pathname: base }), "microsoft.desktopvirtualization/hostpools/read");
    assert.equal(
      rbacAction({ method: "GET", pathname: `${base}/sessionHosts` }),
      "microsoft.desktopvirtualization/hostpools/sessionhosts/read",
    );
    assert.equal(
      rbacAction({ method: "POST", pathname: `${base}/sessionHosts/sh/userSessions/1/sendMessage` }),
      "microsoft.desktopvirtualization/hostpools/sessionhosts/usersessions/sendmessage/action",
    );
    assert.equal(
      rbacAction({ method: "PUT", pathname: `${base}/sessionHosts/sh` }),
      "microsoft.desktopvirtualization/hostpools/sessionhosts/write",
    );
  });

  it("sends ARM requests from nowhere else in src/ than the builders exercised above", () => {
    const files = (folder: string): string[] =>
      readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? files(path.join(folder, entry.name)) : [path.join(folder, entry.name)],
      );
    const senders = files(path.join(repositoryRoot, "src"))
      .filter((file) => file.endsWith(".ts"))
      .filter((file) =>
        /\bcreatePipelineRequest\(|\.sendRequest\(|\.sendOperationRequest\(/.test(readFileSync(file, "utf8")),
      )
      .map((file) => path.relative(repositoryRoot, file).split(path.sep).join("/"))
      .sort();
    assert.deepEqual(senders, ["src/lib/azure/listResources.ts", "src/lib/azure/sessionActions.ts"]);
  });
});
