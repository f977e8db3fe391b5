import type { Scenario } from "../emulator/scenario";
import { subscriptionIdFor } from "./benchTenant";

export interface LeaversTenantSize {
  readonly subscriptions: number;
  readonly hostPoolsPerSubscription: number;
  readonly sessionHostsPerPool: number;
  /** Users leaving at once; each holds one session somewhere in the tenant. */
  readonly leavers: number;
  /** Sessions each leaver holds, on consecutive hosts (1 by default). */
  readonly sessionsPerLeaver?: number;
}

export interface LeaversTenant {
  readonly scenario: Scenario;
  readonly leavers: readonly string[];
  readonly subscriptions: number;
  readonly hostPools: number;
  /** Every session that must survive, as `subscription/hostPool/sessionHost/id upn`, sorted. */
  readonly bystanders: readonly string[];
}

/**
 * A mass offboarding: `leavers` users with one session each, spread round-robin over every host of
 * the tenant, between bystanders — one other user per host and, for every tenth leaver, a look-alike
 * UPN (`leaver-0010@contoso.com.evil.example`) that must keep its session.
 */
export function buildLeaversTenant(size: LeaversTenantSize, latencyMs = 0): LeaversTenant {
  const leavers = Array.from({ length: size.leavers }, (_, i) => `leaver-${String(i).padStart(4, "0")}@contoso.com`);
  const hosts: { subscription: number; pool: number; host: number }[] = [];
  for (let s = 0; s < size.subscriptions; s++) {
    for (let p = 0; p < size.hostPoolsPerSubscription; p++) {
      for (let h = 0; h < size.sessionHostsPerPool; h++) hosts.push({ subscription: s, pool: p, host: h });
    }
  }
  const sessionsByHost = new Map<
    string,
    { id: string; userPrincipalName: string; sessionState: "Active" | "Disconnected" }[]
  >();
  const bystanders: string[] = [];
  const hostKey = (at: { subscription: number; pool: number; host: number }): string =>
    `${at.subscription}/${at.pool}/${at.host}`;
  const add = (at: (typeof hosts)[number], userPrincipalName: string, bystander: boolean): void => {
    const list = sessionsByHost.get(hostKey(at)) ?? [];
    const id = String(list.length + 1);
    list.push({ id, userPrincipalName, sessionState: list.length % 2 === 0 ? "Active" : "Disconnected" });
    sessionsByHost.set(hostKey(at), list);
    if (bystander) {
      bystanders.push(
        `${subscriptionIdFor(at.subscription)}/hp-${at.subscription}-${at.pool}/sh-${at.subscription}-${at.pool}-${at.host}.corp.contoso.com/${id} ${userPrincipalName}`,
      );
    }
  };
  for (const at of hosts) add(at, `staff-${at.subscription}-${at.pool}-${at.host}@contoso.com`, true);
  leavers.forEach((leaver, index) => {
    const at = hosts[index % hosts.length]!;
    for (let extra = 0; extra < (size.sessionsPerLeaver ?? 1); extra++) {
      add(hosts[(index + extra * 7) % hosts.length]!, index % 7 === 3 ? leaver.toUpperCase() : leaver, false);
    }
    if (index % 10 === 0) add(at, `${leaver}.evil.example`, true);
  });
  const scenario: Scenario = {
    name: `leavers-${size.leavers}`,
    latencyMs,
    subscriptions: Array.from({ length: size.subscriptions }, (_, s) => ({
      id: subscriptionIdFor(s),
      hostPools: Array.from({ length: size.hostPoolsPerSubscription }, (_, p) => ({
        name: `hp-${s}-${p}`,
        resourceGroup: `rg-avd-${s}`,
        sessionHosts: Array.from({ length: size.sessionHostsPerPool }, (_, h) => ({
          name: `sh-${s}-${p}-${h}.corp.contoso.com`,
          sessions: sessionsByHost.get(hostKey({ subscription: s, pool: p, host: h })) ?? [],
        })),
      })),
    })),
  };
  return {
    scenario,
    leavers,
    subscriptions: size.subscriptions,
    hostPools: size.subscriptions * size.hostPoolsPerSubscription,
    bystanders: bystanders.sort(),
  };
}
