import type { Scenario, SessionState } from "../emulator/scenario";
import { subscriptionIdFor } from "./benchTenant";

/** The storm's tenant, as issue 8 fixes it: S × P host pools × 4 session hosts × 3 sessions. */
export interface StormTenantSize {
  readonly subscriptions: number;
  readonly hostPoolsPerSubscription: number;
  readonly sessionHostsPerPool: number;
  readonly sessionsPerHost: number;
  /** Users with sessions in the tenant who may be named in a storm: user i of these owns about 2 sessions. */
  readonly stormUsers: number;
}

export const stormTenantSize: StormTenantSize = Object.freeze({
  subscriptions: 2,
  hostPoolsPerSubscription: 20,
  sessionHostsPerPool: 4,
  sessionsPerHost: 3,
  stormUsers: 200,
});

export interface StormSession {
  readonly subscriptionId: string;
  readonly hostPool: string;
  readonly sessionHost: string;
  readonly sessionId: string;
  readonly userPrincipalName: string;
  readonly sessionState: SessionState;
}

export interface StormTenant {
  readonly size: StormTenantSize;
  readonly scenario: Scenario;
  readonly subscriptionIds: readonly string[];
  readonly hostPools: number;
  readonly sessionHosts: number;
  /** Every session as built, in any user's name. */
  readonly sessions: readonly StormSession[];
  /** The users a storm of N names: the first N. */
  readonly stormUsers: readonly string[];
  /** Owns no session: its request warms an instance up without changing the tenant. */
  readonly warmUpUser: string;
}

export const stormUserFor = (index: number): string => `storm.user${String(index).padStart(3, "0")}@contoso.com`;

/** How the service may spell a stored UPN: the key the engine matches on is the same. */
const otherCase = (upn: string): string => upn.replace(/^s/, "S").replace("@contoso.com", "@Contoso.com");

export function stormSessionKey(
  session: Pick<StormSession, "subscriptionId" | "hostPool" | "sessionHost" | "sessionId">,
): string {
  return `${session.subscriptionId}/${session.hostPool}/${session.sessionHost}/${session.sessionId}`.toLowerCase();
}

/**
 * Seats are numbered host-first (seat g sits on host g mod H′, H′ the session hosts), so storm user
 * i's two sessions, at seats i and i + H′·3/2, land on hosts half the tenant apart, one in each
 * subscription. With 200 storm users the last one has one session (399 targeted sessions, as the
 * issue's baseline measured), and the other 81 seats hold other users: colleagues, and look-alike
 * UPNs that only a broken comparison would take for a storm user.
 */
export function buildStormTenant(latencyMs: number, size: StormTenantSize = stormTenantSize): StormTenant {
  const hosts = size.subscriptions * size.hostPoolsPerSubscription * size.sessionHostsPerPool;
  const seats = hosts * size.sessionsPerHost;
  const half = Math.floor(seats / 2);
  if (size.stormUsers > half) throw new Error(`a tenant of ${seats} seats holds at most ${half} storm users`);
  const owner = new Array<string | undefined>(seats).fill(undefined);
  for (let i = 0; i < size.stormUsers; i++) {
    const upn = stormUserFor(i);
    owner[i] = i % 5 === 3 ? otherCase(upn) : upn;
    if (i < size.stormUsers - 1) owner[i + half] = upn;
  }
  let other = 0;
  for (let g = 0; g < seats; g++) {
    if (owner[g] !== undefined) continue;
    const n = other++;
    owner[g] =
      n % 4 === 0
        ? `${stormUserFor(n % size.stormUsers)}.example.net`
        : n % 4 === 1
          ? `x${stormUserFor(n % size.stormUsers)}`
          : `colleague${n}@contoso.com`;
  }

  const sessions: StormSession[] = [];
  const subscriptionIds: string[] = [];
  const subscriptions = Array.from({ length: size.subscriptions }, (_, s) => {
    const subscriptionId = subscriptionIdFor(s);
    subscriptionIds.push(subscriptionId);
    return {
      id: subscriptionId,
      hostPools: Array.from({ length: size.hostPoolsPerSubscription }, (_, p) => {
        const hostPool = `hp-storm-${s}-${p}`;
        return {
          name: hostPool,
          resourceGroup: `rg-avd-${s}-${p % 4}`,
          sessionHosts: Array.from({ length: size.sessionHostsPerPool }, (_, h) => {
            const hostIndex = (s * size.hostPoolsPerSubscription + p) * size.sessionHostsPerPool + h;
            const sessionHost = `sh-${s}-${p}-${h}.corp.contoso.com`;
            const hostSessions = Array.from({ length: size.sessionsPerHost }, (_, seat) => {
              const userPrincipalName = owner[seat * hosts + hostIndex] as string;
              const sessionState: SessionState = (hostIndex + seat) % 3 === 0 ? "Disconnected" : "Active";
              const session = { id: String(seat + 1), userPrincipalName, sessionState };
              sessions.push({
                subscriptionId,
                hostPool,
                sessionHost,
                sessionId: session.id,
                userPrincipalName,
                sessionState,
              });
              return session;
            });
            return { name: sessionHost, sessions: hostSessions };
          }),
        };
      }),
    };
  });
  return {
    size,
    scenario: { name: `storm-${size.subscriptions}x${size.hostPoolsPerSubscription}`, latencyMs, subscriptions },
    subscriptionIds,
    hostPools: size.subscriptions * size.hostPoolsPerSubscription,
    sessionHosts: hosts,
    sessions,
    stormUsers: Array.from({ length: size.stormUsers }, (_, i) => stormUserFor(i)),
    warmUpUser: "storm.warmup@contoso.com",
  };
}
