import { createEmulatorWorld, stableGuid, type EmulatorWorld, type SentMessage } from "./emulatorWorld";
import type { StreamedAnswerRecord } from "./arm/streamedAnswer";
import type { TokenRequestRecord } from "./createIdentityRequestHandler";
import type { ArmOperation, ResolvedScenario, SessionState } from "./scenario";
import { TokenBucket, type TakeResult } from "./tokenBucket";

export interface ArmCallRecord {
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
  /** Error code of a failed call, as written in the body. */
  readonly errorCode: string | undefined;
  readonly operation: ArmOperation | "unknown";
  readonly subscriptionId: string | undefined;
  readonly resourceGroup: string | undefined;
  readonly hostPool: string | undefined;
  readonly sessionHost: string | undefined;
  readonly sessionId: string | undefined;
  /** Epoch milliseconds with sub-millisecond precision. */
  readonly startedAtMs: number;
  readonly endedAtMs: number;
}

export interface EmulatedSession {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly hostPool: string;
  readonly sessionHost: string;
  readonly sessionId: string;
  readonly userPrincipalName: string;
  readonly objectId: string;
  readonly sessionHostStatus: string;
  readonly sessionState: SessionState;
  readonly messages: readonly SentMessage[];
}

export interface PeakConcurrency {
  readonly overall: number;
  /** Keyed by subscription id in lower case. */
  readonly bySubscription: Readonly<Record<string, number>>;
}

export type ThrottleCategory = "reads" | "deletes" | "writes";

/** Everything an emulator remembers between requests: the scenario, its live world and the logs. */
export class EmulatorEngine {
  private loaded: ResolvedScenario;
  private current: EmulatorWorld;
  private readonly callLog: ArmCallRecord[] = [];
  private readonly tokenLog: TokenRequestRecord[] = [];
  private readonly streamLog: StreamedAnswerRecord[] = [];
  private faultHits: number[] = [];
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly inFlight = new Map<string, number>();
  private readonly peaks = new Map<string, number>();
  private overallInFlight = 0;
  private overallPeak = 0;
  private nextCallSeq = 1;
  private nextTokenSeq = 1;

  /** Epoch milliseconds: decides token expiry, throttling refills and message times. */
  readonly now: () => number;

  constructor(scenario: ResolvedScenario, now: () => number = Date.now) {
    this.now = now;
    this.loaded = scenario;
    this.current = createEmulatorWorld(scenario);
    this.faultHits = scenario.faults.map(() => 0);
  }

  get scenario(): ResolvedScenario {
    return this.loaded;
  }

  get world(): EmulatorWorld {
    return this.current;
  }

  load(scenario: ResolvedScenario): void {
    this.loaded = scenario;
    this.reset();
  }

  reset(): void {
    this.current = createEmulatorWorld(this.loaded);
    this.faultHits = this.loaded.faults.map(() => 0);
    this.buckets.clear();
    this.callLog.length = 0;
    this.tokenLog.length = 0;
    this.streamLog.length = 0;
    this.peaks.clear();
    this.overallPeak = this.overallInFlight;
  }

  /** A user signs in: a new session on a session host (the host pool's first when not named). */
  signIn(
    hostPool: string,
    userPrincipalName: string,
    sessionState: SessionState = "Active",
    sessionHost?: string,
  ): string {
    const pool = this.current.subscriptions
      .flatMap((subscription) => subscription.hostPools)
      .find((candidate) => candidate.name.toLowerCase() === hostPool.toLowerCase());
    const host =
      sessionHost === undefined
        ? pool?.sessionHosts[0]
        : pool?.sessionHosts.find((candidate) => candidate.name.toLowerCase() === sessionHost.toLowerCase());
    if (pool === undefined || host === undefined) throw new Error(`no session host for ${hostPool}`);
    // Ids that listings still show (departed sessions) are not handed out again either.
    const used = pool.sessionHosts.flatMap((candidate) =>
      [...candidate.sessions, ...candidate.departed.map((departed) => departed.session)].map((session) =>
        Number(session.id),
      ),
    );
    const id = String(Math.max(0, ...used.filter(Number.isFinite)) + 1);
    host.sessions.push({
      id,
      userPrincipalName,
      sessionState,
      applicationType: "Desktop",
      objectId: stableGuid(`user:${userPrincipalName.toLowerCase()}`),
      activeDirectoryUserName: userPrincipalName,
      createTime: new Date(this.now()).toISOString(),
      vanishesBeforeDelete: undefined,
      stuck: false,
      messages: [],
    });
    return id;
  }

  clearCalls(): void {
    this.callLog.length = 0;
    this.peaks.clear();
    this.overallPeak = this.overallInFlight;
  }

  recordCall(entry: Omit<ArmCallRecord, "seq">): void {
    this.callLog.push({ seq: this.nextCallSeq++, ...entry });
  }

  /** An endless or huge answer, once its connection is done with it. */
  recordStreamedAnswer(entry: StreamedAnswerRecord): void {
    this.streamLog.push(entry);
  }

  streamedAnswers(): StreamedAnswerRecord[] {
    return [...this.streamLog];
  }

  recordTokenRequest(entry: Omit<TokenRequestRecord, "seq">): void {
    this.tokenLog.push({ seq: this.nextTokenSeq++, ...entry });
  }

  calls(): ArmCallRecord[] {
    return [...this.callLog];
  }

  tokenRequests(): TokenRequestRecord[] {
    return [...this.tokenLog];
  }

  sessions(): EmulatedSession[] {
    return this.current.subscriptions.flatMap((subscription) =>
      subscription.hostPools.flatMap((pool) =>
        pool.sessionHosts.flatMap((host) =>
          host.sessions.map((session) => ({
            subscriptionId: subscription.id,
            resourceGroup: pool.resourceGroup,
            hostPool: pool.name,
            sessionHost: host.name,
            sessionId: session.id,
            userPrincipalName: session.userPrincipalName,
            objectId: session.objectId,
            sessionHostStatus: host.status,
            sessionState: session.sessionState,
            messages: session.messages.map((message) => ({ ...message })),
          })),
        ),
      ),
    );
  }

  /** Counts the call against the first fault it matches that still has failures left, and returns that fault. */
  takeFault(matches: (index: number) => boolean): ResolvedScenario["faults"][number] | undefined {
    for (const [index, fault] of this.loaded.faults.entries()) {
      if (!matches(index)) continue;
      const hits = this.faultHits[index] ?? 0;
      if (fault.count !== undefined && hits >= fault.count) continue;
      this.faultHits[index] = hits + 1;
      return fault;
    }
    return undefined;
  }

  /** Takes a token from the subscription's bucket for this kind of call; undefined when that kind is not throttled. */
  takeThrottleToken(subscriptionId: string, category: ThrottleCategory, nowMs: number): TakeResult | undefined {
    const settings = this.loaded.throttling?.[category];
    if (settings === undefined) return undefined;
    const key = `${subscriptionId.toLowerCase()}|${category}`;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(settings, nowMs);
      this.buckets.set(key, bucket);
    }
    return bucket.take(nowMs);
  }

  /** Marks a request in flight; call the returned function once it has been answered. */
  enter(subscriptionId: string | undefined): () => void {
    const key = subscriptionId?.toLowerCase();
    this.overallInFlight += 1;
    this.overallPeak = Math.max(this.overallPeak, this.overallInFlight);
    if (key !== undefined) {
      const now = (this.inFlight.get(key) ?? 0) + 1;
      this.inFlight.set(key, now);
      this.peaks.set(key, Math.max(this.peaks.get(key) ?? 0, now));
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.overallInFlight -= 1;
      if (key !== undefined) this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
    };
  }

  peakConcurrency(): PeakConcurrency {
    return { overall: this.overallPeak, bySubscription: Object.fromEntries(this.peaks) };
  }
}
