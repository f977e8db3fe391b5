import type { TokenCredential } from "@azure/core-auth";
import type { RunningEmulator } from "../emulator/startEmulator";
import { withArmThrottling } from "./armThrottlingModel";
import { buildBenchTenant, type TenantSize } from "./benchTenant";
import { summarizeCalls, type CallTimeline } from "./callTimeline";
import type { SignOutMeasurement } from "./functionWorkerProtocol";
import { runbookCallCount, runbookSignOut } from "./runbookSignOut";
import { maximum, median, minimum } from "./sampleStatistics";
import { startFunctionWorker, workerSettingsFor, type FunctionWorker } from "./startFunctionWorker";
import { verifySignOut } from "./verifySignOut";

export interface GridRow {
  readonly size: TenantSize;
  readonly latencyMs: number;
  /** Run the runbook's algorithm for real; otherwise estimate it from its exact call count. */
  readonly runRunbook: boolean;
  readonly coldSamples: number;
  readonly warmSamples: number;
  readonly throttledSamples: number;
  /** Back-to-back requests against the same (draining) buckets; 0 to skip. */
  readonly burstRequests: number;
}

export interface RunSample {
  readonly wallMs: number;
  readonly calls: number;
  readonly throttled: number;
  readonly failedCalls: number;
  readonly peakPerSubscription: number;
  readonly newTlsConnections: number;
  readonly tokenRequests: number;
  /** CPU the function process spent on the request, and what the emulator (this process) spent meanwhile. */
  readonly functionCpuMs: number;
  readonly emulatorCpuMs: number;
}

export interface TenantResult {
  readonly label: string;
  readonly size: TenantSize;
  readonly latencyMs: number;
  readonly hostPools: number;
  readonly sessionHosts: number;
  readonly sessions: number;
  readonly expectedCalls: number;
  readonly floorMs: number;
  readonly cold: { readonly medianMs: number; readonly samples: readonly RunSample[] };
  readonly warm: {
    readonly medianMs: number;
    readonly minMs: number;
    readonly samples: readonly RunSample[];
    readonly timeline: CallTimeline;
  };
  readonly throttled: {
    readonly medianMs: number;
    readonly maxMs: number;
    readonly samples: readonly RunSample[];
    readonly timeline: CallTimeline;
  };
  readonly burst: readonly RunSample[];
  readonly runbook: {
    readonly calls: number;
    readonly estimatedMs: number;
    readonly measuredMs: number | undefined;
    readonly measuredCalls: number | undefined;
  };
  readonly peakMemory: { readonly maxRssBytes: number; readonly heapUsedBytes: number };
  /** Correctness failures; a non-empty list means the figures above do not count. */
  readonly problems: readonly string[];
  /** What the burst of back-to-back requests reported (informational). */
  readonly burstNotes: readonly string[];
}

export interface MeasureContext {
  readonly emulator: RunningEmulator;
  readonly extraCaCertsFile: string;
  readonly runbookCredential: TokenCredential;
  readonly log: (line: string) => void;
}

export function rowLabel(row: GridRow): string {
  return `${row.size.subscriptions}×${row.size.hostPoolsPerSubscription} @${row.latencyMs}ms`;
}

/** Every figure for one tenant size, side by side in one run; each run's answer is checked first. */
export async function measureTenant(row: GridRow, context: MeasureContext): Promise<TenantResult> {
  const { emulator, log } = context;
  const tenant = buildBenchTenant(row.size, row.latencyMs);
  const problems: string[] = [];
  const burstNotes: string[] = [];
  let memory = { maxRssBytes: 0, heapUsedBytes: 0 };
  const settings = workerSettingsFor(emulator, tenant.subscriptionIds, context.extraCaCertsFile);
  const expectedCalls = row.size.subscriptions + tenant.hostPools + row.size.targetSessions;
  const label = rowLabel(row);

  const measured = async (worker: FunctionWorker, phase: string, verify: boolean): Promise<RunSample> => {
    emulator.clearCalls();
    const tokensBefore = emulator.tokenRequests().length;
    const cpuBefore = process.cpuUsage();
    const result = await worker.signOut(tenant.targetUser);
    memory = result.memory;
    const sample = toSample(result, emulator, tokensBefore, cpuBefore);
    const found = checkReport(result, verify ? row.size.targetSessions : 0);
    if (verify) found.push(...verifySignOut(emulator, tenant));
    for (const problem of found) problems.push(`${label} ${phase}: ${problem}`);
    return sample;
  };

  emulator.load(tenant.scenario);
  const cold: RunSample[] = [];
  let worker: FunctionWorker | undefined;
  for (let i = 0; i < row.coldSamples; i++) {
    await worker?.stop();
    emulator.reset();
    worker = await startFunctionWorker(settings);
    cold.push(await measured(worker, "cold", true));
  }
  if (worker === undefined) throw new Error("coldSamples must be at least 1");
  log(`${label}: cold ${fmt(median(cold.map((s) => s.wallMs)))} ms`);

  // emulator.reset() refills ARM's buckets for every sample; the instance keeps its own budget
  // (ARM's buckets, modelled), so each sample first waits as long as ARM's read bucket would take
  // to win back what the previous request spent, instead of measuring our budget's pacing.
  const readsPerSubscription = 1 + row.size.hostPoolsPerSubscription;
  const budgetRefillMs = Math.ceil((readsPerSubscription / 25) * 1000) + 100;
  const refill = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, budgetRefillMs));
  const warm: RunSample[] = [];
  let warmTimeline = summarizeCalls([]);
  for (let i = 0; i < row.warmSamples; i++) {
    await refill();
    emulator.reset();
    warm.push(await measured(worker, "warm", true));
    if (i === Math.floor(row.warmSamples / 2)) warmTimeline = summarizeCalls(emulator.calls());
  }
  const warmMedian = median(warm.map((s) => s.wallMs));
  log(`${label}: warm ${fmt(warmMedian)} ms (floor ${3 * row.latencyMs} ms)`);

  emulator.load(withArmThrottling(tenant.scenario));
  const throttled: RunSample[] = [];
  let throttledTimeline = summarizeCalls([]);
  for (let i = 0; i < row.throttledSamples; i++) {
    await refill();
    emulator.reset();
    throttled.push(await measured(worker, "throttled", true));
    if (i === 0) throttledTimeline = summarizeCalls(emulator.calls());
  }
  log(`${label}: throttled ${fmt(median(throttled.map((s) => s.wallMs)))} ms`);

  // The same user again and again on full-then-draining buckets: after the first request there is
  // nothing left to delete, but every request still reads S + H times.
  const burst: RunSample[] = [];
  if (row.burstRequests > 0) {
    await refill();
    emulator.reset();
    for (let i = 0; i < row.burstRequests; i++) {
      const tokensBefore = emulator.tokenRequests().length;
      emulator.clearCalls();
      const cpuBefore = process.cpuUsage();
      const result = await worker.signOut(tenant.targetUser);
      memory = result.memory;
      burst.push(toSample(result, emulator, tokensBefore, cpuBefore));
      for (const note of checkReport(result, i === 0 ? row.size.targetSessions : 0))
        burstNotes.push(`request ${i + 1}: ${note}`);
    }
    for (const note of verifySignOut(emulator, tenant)) burstNotes.push(`after the burst: ${note}`);
    log(`${label}: burst ${burst.map((s) => `${fmt(s.wallMs)}ms/${s.throttled}×429/${s.failedCalls}✗`).join(" ")}`);
  }
  await worker.stop();

  const runbookEstimateCalls = runbookCallCount(row.size);
  let runbookMeasuredMs: number | undefined;
  let runbookMeasuredCalls: number | undefined;
  if (row.runRunbook) {
    emulator.load(tenant.scenario);
    const startedMs = performance.now();
    await runbookSignOut({
      credential: context.runbookCredential,
      subscriptionIds: tenant.subscriptionIds,
      userPrincipalName: tenant.targetUser,
      armEndpoint: emulator.armEndpoint,
      caCertificatePem: emulator.caCertificatePem,
    });
    runbookMeasuredMs = performance.now() - startedMs;
    runbookMeasuredCalls = emulator.calls().length;
    for (const problem of verifySignOut(emulator, tenant)) problems.push(`${label} runbook: ${problem}`);
    log(`${label}: runbook ${fmt(runbookMeasuredMs)} ms, ${runbookMeasuredCalls} calls`);
  }

  return {
    label,
    size: row.size,
    latencyMs: row.latencyMs,
    hostPools: tenant.hostPools,
    sessionHosts: tenant.sessionHosts,
    sessions: tenant.sessions,
    expectedCalls,
    floorMs: 3 * row.latencyMs,
    cold: { medianMs: median(cold.map((s) => s.wallMs)), samples: cold },
    warm: { medianMs: warmMedian, minMs: minimum(warm.map((s) => s.wallMs)), samples: warm, timeline: warmTimeline },
    throttled: {
      medianMs: median(throttled.map((s) => s.wallMs)),
      maxMs: maximum(throttled.map((s) => s.wallMs)),
      samples: throttled,
      timeline: throttledTimeline,
    },
    burst,
    runbook: {
      calls: runbookEstimateCalls,
      estimatedMs: runbookEstimateCalls * row.latencyMs,
      measuredMs: runbookMeasuredMs,
      measuredCalls: runbookMeasuredCalls,
    },
    peakMemory: memory,
    problems,
    burstNotes,
  };
}

function toSample(
  result: SignOutMeasurement,
  emulator: RunningEmulator,
  tokensBefore: number,
  cpuBefore: NodeJS.CpuUsage,
): RunSample {
  const cpu = process.cpuUsage(cpuBefore);
  const calls = emulator.calls();
  const peaks = Object.values(emulator.peakConcurrency().bySubscription);
  return {
    wallMs: result.wallMs,
    calls: calls.length,
    throttled: calls.filter((call) => call.status === 429).length,
    failedCalls: result.errors.length,
    peakPerSubscription: peaks.length === 0 ? 0 : Math.max(...peaks),
    newTlsConnections: result.newTlsConnections,
    tokenRequests: emulator.tokenRequests().length - tokensBefore,
    functionCpuMs: result.cpuMs,
    emulatorCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

function checkReport(result: SignOutMeasurement, expectedSignedOut: number): string[] {
  const problems: string[] = [];
  if (result.httpStatus !== 200) problems.push(`HTTP ${result.httpStatus}`);
  if (result.reportStatus !== "completed") {
    const codes = [...new Set(result.errors.map((e) => `${e.code ?? "?"}/${e.statusCode ?? "-"}`))].join(", ");
    problems.push(`report status ${result.reportStatus} (${result.errors.length} errors: ${codes})`);
  }
  const signedOut = result.counts?.signedOut ?? -1;
  if (signedOut !== expectedSignedOut) problems.push(`signedOut ${signedOut}, expected ${expectedSignedOut}`);
  return problems;
}

function fmt(ms: number): string {
  return ms.toFixed(1);
}
