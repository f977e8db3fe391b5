import type { RunningEmulator } from "../emulator/startEmulator";
import { withArmThrottling } from "./armThrottlingModel";
import { summarizeCalls, type CallTimeline } from "./callTimeline";
import type { StormMeasurement } from "./functionWorkerProtocol";
import { maximum, median } from "./sampleStatistics";
import { startFunctionWorker, workerSettingsFor } from "./startFunctionWorker";
import { buildStormTenant, stormSessionKey, type StormTenant } from "./stormTenant";

/** `storm`: N single-user requests at once; `batch`: the same N users in ⌈N/100⌉ requests at once. */
export type StormMode = "storm" | "batch";

/** The synchronous request's limit on `userPrincipalNames`. */
export const batchLimit = 100;

export interface StormRun {
  readonly mode: StormMode;
  readonly users: number;
  readonly requests: number;
  /** From firing the first request to the last answer, in the function process. */
  readonly wallMs: number;
  readonly requestWallMs: { readonly median: number; readonly max: number };
  /** HTTP status → answers. */
  readonly answersByStatus: Readonly<Record<string, number>>;
  /** Error codes in the reports (`code/status` → occurrences), empty when every request completed. */
  readonly reportedErrors: Readonly<Record<string, number>>;
  /** ARM calls answered 429, retries included. */
  readonly throttled: number;
  /** ARM GETs and actions (DELETE/POST) the emulator received, retries and 429s included. */
  readonly reads: number;
  readonly actions: number;
  readonly callsByOperation: Readonly<Record<string, number>>;
  readonly targetedSessions: number;
  readonly targetedLeft: number;
  /** Sum of `counts.signedOut` over every answer. */
  readonly signedOutReported: number;
  /** Other users' sessions removed, changed, messaged or acted on. */
  readonly othersTouched: number;
  readonly functionCpuMs: number;
  /** CPU of this process (the emulator) meanwhile, for context: both share the machine. */
  readonly emulatorCpuMs: number;
  readonly peakRssBytes: number;
  readonly newTlsConnections: number;
  /** ARM requests in flight at the emulator at once, across subscriptions. */
  readonly peakInFlight: number;
  /** The storm's ARM calls by operation, as the emulator saw them. */
  readonly timeline: CallTimeline;
}

export interface StormResult {
  readonly latencyMs: number;
  readonly subscriptions: number;
  readonly hostPools: number;
  readonly sessionHosts: number;
  readonly sessions: number;
  /** S + H: the reads of one full scan of the tenant. */
  readonly scanReads: number;
  readonly runs: readonly StormRun[];
  /** Correctness failures; a non-empty list means the figures do not count. */
  readonly problems: readonly string[];
}

export interface StormContext {
  readonly emulator: RunningEmulator;
  readonly extraCaCertsFile: string;
  readonly log: (line: string) => void;
}

export const stormLatencyMs = 40;
/** Sequential requests that warm a fresh instance (token, clients, sockets, JIT) before its storm. */
const warmUpRequests = 3;

export function stormBodies(users: readonly string[], mode: StormMode): string[] {
  if (mode === "storm") return users.map((userPrincipalName) => JSON.stringify({ userPrincipalName }));
  const requests = Math.ceil(users.length / batchLimit);
  const perRequest = Math.ceil(users.length / requests);
  return Array.from({ length: requests }, (_, r) =>
    JSON.stringify({ userPrincipalNames: users.slice(r * perRequest, (r + 1) * perRequest) }),
  );
}

/**
 * Issue 8's storm: for each N, a fresh instance is warmed up by a few requests (a user without
 * sessions: token, clients, connections, JIT), the emulator is reset to the full tenant with ARM's
 * buckets full, and then N single-user requests — or the same users as batch requests — are fired
 * at once. Every answer and the emulator's state are checked.
 */
export async function measureStorm(sizes: readonly number[], context: StormContext): Promise<StormResult> {
  const { emulator, log } = context;
  const tenant = buildStormTenant(stormLatencyMs);
  const settings = workerSettingsFor(emulator, tenant.subscriptionIds, context.extraCaCertsFile);
  const problems: string[] = [];
  const runs: StormRun[] = [];
  for (const users of sizes) {
    if (users > tenant.stormUsers.length) throw new Error(`the storm tenant has ${tenant.stormUsers.length} users`);
    for (const mode of ["storm", "batch"] as const) {
      const label = `N=${users} ${mode}`;
      emulator.load(withArmThrottling(tenant.scenario));
      const worker = await startFunctionWorker(settings);
      try {
        for (let i = 0; i < warmUpRequests; i++) {
          const warmUp = await worker.signOut(tenant.warmUpUser);
          if (warmUp.httpStatus !== 200 || warmUp.counts?.signedOut !== 0) {
            problems.push(`${label}: warm-up request ${i + 1} answered ${warmUp.httpStatus} (${warmUp.reportStatus})`);
          }
        }
        emulator.reset();
        const named = tenant.stormUsers.slice(0, users);
        const bodies = stormBodies(named, mode);
        const cpuBefore = process.cpuUsage();
        const measurement = await worker.storm(bodies);
        const cpu = process.cpuUsage(cpuBefore);
        const run = summarizeStorm(mode, named, bodies.length, measurement, tenant, emulator, cpu);
        runs.push(run);
        problems.push(...checkStorm(run, named, bodies, measurement, tenant).map((p) => `${label}: ${p}`));
        log(
          `storm ${label}: ${bodies.length} requests, wall ${run.wallMs.toFixed(0)} ms, ${run.throttled}×429, ` +
            `${run.reads} reads / ${run.actions} actions, left ${run.targetedLeft}/${run.targetedSessions}, ` +
            `CPU ${run.functionCpuMs.toFixed(0)} ms, answers ${JSON.stringify(run.answersByStatus)}`,
        );
      } finally {
        await worker.stop();
      }
    }
  }
  return {
    latencyMs: stormLatencyMs,
    subscriptions: tenant.size.subscriptions,
    hostPools: tenant.hostPools,
    sessionHosts: tenant.sessionHosts,
    sessions: tenant.sessions.length,
    scanReads: tenant.size.subscriptions + tenant.hostPools,
    runs,
    problems,
  };
}

const lower = (upn: string): string => upn.toLowerCase();

function summarizeStorm(
  mode: StormMode,
  named: readonly string[],
  requests: number,
  measurement: StormMeasurement,
  tenant: StormTenant,
  emulator: RunningEmulator,
  emulatorCpu: NodeJS.CpuUsage,
): StormRun {
  const namedKeys = new Set(named.map(lower));
  const targeted = new Set(
    tenant.sessions.filter((s) => namedKeys.has(lower(s.userPrincipalName))).map(stormSessionKey),
  );
  const others = new Map(
    tenant.sessions.filter((s) => !namedKeys.has(lower(s.userPrincipalName))).map((s) => [stormSessionKey(s), s]),
  );
  const remaining = new Map(emulator.sessions().map((s) => [stormSessionKey(s), s]));
  const calls = emulator.calls();

  const touched = new Set<string>();
  for (const [key, before] of others) {
    const now = remaining.get(key);
    if (now === undefined || now.sessionState !== before.sessionState || now.messages.length > 0) touched.add(key);
  }
  for (const call of calls) {
    if (call.method === "GET" || call.sessionId === undefined) continue;
    const key = stormSessionKey({
      subscriptionId: call.subscriptionId ?? "",
      hostPool: call.hostPool ?? "",
      sessionHost: call.sessionHost ?? "",
      sessionId: call.sessionId,
    });
    if (!targeted.has(key)) touched.add(key);
  }

  const tally = (keys: readonly string[]): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
    return counts;
  };
  const walls = measurement.answers.map((a) => a.wallMs);
  return {
    mode,
    users: named.length,
    requests,
    wallMs: measurement.wallMs,
    requestWallMs: { median: median(walls), max: maximum(walls) },
    answersByStatus: tally(measurement.answers.map((a) => String(a.httpStatus))),
    reportedErrors: tally(
      measurement.answers.flatMap((a) => a.errors.map((e) => `${e.code ?? "?"}/${e.statusCode ?? "-"}`)),
    ),
    throttled: calls.filter((call) => call.status === 429).length,
    reads: calls.filter((call) => call.method === "GET").length,
    actions: calls.filter((call) => call.method !== "GET").length,
    callsByOperation: tally(calls.map((call) => call.operation)),
    targetedSessions: targeted.size,
    targetedLeft: [...targeted].filter((key) => remaining.has(key)).length,
    signedOutReported: measurement.answers.reduce((sum, a) => sum + (a.counts?.signedOut ?? 0), 0),
    othersTouched: touched.size,
    functionCpuMs: measurement.cpuMs,
    emulatorCpuMs: (emulatorCpu.user + emulatorCpu.system) / 1000,
    peakRssBytes: measurement.memory.maxRssBytes,
    newTlsConnections: measurement.newTlsConnections,
    peakInFlight: emulator.peakConcurrency().overall,
    timeline: summarizeCalls(calls),
  };
}

/**
 * Wrong answers, as opposed to slow or refused ones: another user's session touched, or a request
 * that answered "completed" while its users' sessions remain or with a count that does not add up.
 * A 429 or a deadline is a missed target, not a wrong answer, and is reported in the table.
 */
function checkStorm(
  run: StormRun,
  named: readonly string[],
  bodies: readonly string[],
  measurement: StormMeasurement,
  tenant: StormTenant,
): string[] {
  const problems: string[] = [];
  if (run.othersTouched > 0) problems.push(`${run.othersTouched} other user session(s) touched`);
  const sessionsOf = new Map<string, number>();
  for (const session of tenant.sessions) {
    const key = lower(session.userPrincipalName);
    sessionsOf.set(key, (sessionsOf.get(key) ?? 0) + 1);
  }
  measurement.answers.forEach((answer, index) => {
    if (answer.httpStatus !== 200 || answer.reportStatus !== "completed") return;
    const body = JSON.parse(bodies[index] as string) as { userPrincipalName?: string; userPrincipalNames?: string[] };
    const users = body.userPrincipalNames ?? [body.userPrincipalName as string];
    const expected = users.reduce((sum, upn) => sum + (sessionsOf.get(lower(upn)) ?? 0), 0);
    const signedOut = answer.counts?.signedOut ?? -1;
    if (signedOut !== expected)
      problems.push(`request ${index + 1} completed with signedOut ${signedOut}, expected ${expected}`);
  });
  const allCompleted = measurement.answers.every((a) => a.httpStatus === 200 && a.reportStatus === "completed");
  if (allCompleted && run.targetedLeft > 0) {
    problems.push(`every request completed, yet ${run.targetedLeft} of the ${named.length} users' sessions remain`);
  }
  return problems;
}
