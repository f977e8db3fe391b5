import type { Scenario } from "../emulator/scenario";

export interface TenantSize {
  readonly subscriptions: number;
  readonly hostPoolsPerSubscription: number;
  readonly sessionHostsPerPool: number;
  /** Sessions of the target user, scattered over the tenant's host pools. */
  readonly targetSessions: number;
}

export interface BenchTenant {
  readonly size: TenantSize;
  readonly scenario: Scenario;
  readonly subscriptionIds: readonly string[];
  readonly targetUser: string;
  readonly hostPools: number;
  readonly sessionHosts: number;
  readonly sessions: number;
  /** Every session that must survive the sign-out, as `subscription/hostPool/sessionHost/id upn`. */
  readonly othersSessions: readonly string[];
}

export const targetUser = "jordan.lee@contoso.com";
const otherUsers = [
  "alex.kim@contoso.com",
  "sam.ortiz@contoso.com",
  "jordan.lee@contoso.com.example.net",
  "Jordan.Leeds@contoso.com",
];
const otherSessionsPerHost = 2;

export function subscriptionIdFor(index: number): string {
  const hex = (index + 1).toString(16).padStart(8, "0");
  return `${hex}-0000-4000-8000-${hex.padStart(12, "0")}`;
}

export function sessionKey(
  subscriptionId: string,
  hostPool: string,
  sessionHost: string,
  sessionId: string,
  upn: string,
): string {
  return `${subscriptionId}/${hostPool}/${sessionHost}/${sessionId} ${upn}`;
}

/**
 * A tenant of S subscriptions × P host pools × n session hosts; every host carries other users'
 * sessions (including look-alike UPNs), and the target user's k sessions sit in pools spread evenly
 * over the tenant, one of them written with another case, as the service may return it.
 */
export function buildBenchTenant(size: TenantSize, latencyMs: number): BenchTenant {
  const totalPools = size.subscriptions * size.hostPoolsPerSubscription;
  const targetPools = new Map<number, number>();
  for (let t = 0; t < size.targetSessions; t++) {
    const pool = Math.floor(((t + 0.5) * totalPools) / size.targetSessions);
    targetPools.set(pool, (targetPools.get(pool) ?? 0) + 1);
  }
  const othersSessions: string[] = [];
  let sessions = 0;
  let targetCount = 0;
  const subscriptionIds: string[] = [];
  const subscriptions = Array.from({ length: size.subscriptions }, (_, s) => {
    const subscriptionId = subscriptionIdFor(s);
    subscriptionIds.push(subscriptionId);
    return {
      id: subscriptionId,
      hostPools: Array.from({ length: size.hostPoolsPerSubscription }, (_, p) => {
        const poolIndex = s * size.hostPoolsPerSubscription + p;
        const hostPool = `hp-${s}-${p}`;
        const targetsHere = Math.min(targetPools.get(poolIndex) ?? 0, size.sessionHostsPerPool);
        return {
          name: hostPool,
          resourceGroup: `rg-avd-${s}-${p % 4}`,
          sessionHosts: Array.from({ length: size.sessionHostsPerPool }, (_, h) => {
            const sessionHost = `sh-${s}-${p}-${h}.corp.contoso.com`;
            const hostSessions: { id: string; userPrincipalName: string; sessionState: "Active" | "Disconnected" }[] =
              [];
            for (let o = 0; o < otherSessionsPerHost; o++) {
              const upn = otherUsers[(poolIndex + h + o) % otherUsers.length] as string;
              const id = String(hostSessions.length + 1);
              hostSessions.push({ id, userPrincipalName: upn, sessionState: o === 0 ? "Active" : "Disconnected" });
              othersSessions.push(sessionKey(subscriptionId, hostPool, sessionHost, id, upn));
            }
            // The target's sessions in this pool land on successive hosts.
            if (targetsHere > 0 && h >= size.sessionHostsPerPool - targetsHere) {
              const upn = targetCount % 3 === 1 ? "Jordan.Lee@Contoso.com" : targetUser;
              hostSessions.push({
                id: String(hostSessions.length + 1),
                userPrincipalName: upn,
                sessionState: targetCount % 2 === 0 ? "Active" : "Disconnected",
              });
              targetCount++;
            }
            sessions += hostSessions.length;
            return { name: sessionHost, sessions: hostSessions };
          }),
        };
      }),
    };
  });
  if (targetCount !== size.targetSessions) {
    throw new Error(`tenant builder placed ${targetCount} target sessions, expected ${size.targetSessions}`);
  }
  return {
    size,
    scenario: { name: `bench-${size.subscriptions}x${size.hostPoolsPerSubscription}`, latencyMs, subscriptions },
    subscriptionIds,
    targetUser,
    hostPools: totalPools,
    sessionHosts: totalPools * size.sessionHostsPerPool,
    sessions,
    othersSessions: othersSessions.sort(),
  };
}
