import type { RunningEmulator } from "../emulator/startEmulator";
import { buildBenchTenant, type TenantSize } from "./benchTenant";
import type { SignOutMeasurement } from "./functionWorkerProtocol";
import { median } from "./sampleStatistics";
import { startFunctionWorker, workerSettingsFor } from "./startFunctionWorker";
import { verifySignOut } from "./verifySignOut";

export interface VerificationSide {
  readonly medianMs: number;
  readonly wallMs: readonly number[];
  /** ARM calls of every sample (the same each time when nothing is paged or throttled). */
  readonly calls: readonly number[];
  readonly functionCpuMedianMs: number;
}

export interface VerificationResult {
  readonly size: TenantSize;
  readonly latencyMs: number;
  /** S + H + k: what a sign-out without verify costs. */
  readonly expectedCalls: number;
  /** Host pools holding the target's sessions: the listings verification adds when the service is up to date. */
  readonly actedPools: number;
  readonly off: VerificationSide;
  readonly on: VerificationSide;
  readonly problems: readonly string[];
}

export interface VerificationContext {
  readonly emulator: RunningEmulator;
  readonly extraCaCertsFile: string;
  readonly log: (line: string) => void;
}

/**
 * What `verify` costs one warm synchronous sign-out: samples with and without it, alternated on one
 * warm instance so that drift on a shared machine falls on both sides. Every answer is checked
 * first: all sessions gone, nothing else touched, `verified` counted only with verify.
 */
export async function measureVerification(
  size: TenantSize,
  latencyMs: number,
  samplesPerSide: number,
  context: VerificationContext,
): Promise<VerificationResult> {
  const { emulator, log } = context;
  const tenant = buildBenchTenant(size, latencyMs);
  const expectedCalls = size.subscriptions + tenant.hostPools + size.targetSessions;
  const problems: string[] = [];
  emulator.load(tenant.scenario);
  const worker = await startFunctionWorker(
    workerSettingsFor(emulator, tenant.subscriptionIds, context.extraCaCertsFile),
  );
  // As in measureTenant: wait for the instance's own read budget to win back the previous sample's reads.
  const budgetRefillMs = Math.ceil(((1 + size.hostPoolsPerSubscription) / 25) * 1000) + 100;
  const refill = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, budgetRefillMs));
  const sides = { off: [] as SignOutMeasurement[], on: [] as SignOutMeasurement[] };
  const calls = { off: [] as number[], on: [] as number[] };
  let actedPools = 0;
  try {
    emulator.reset();
    await worker.signOut(tenant.targetUser); // the cold request, not counted
    for (let i = 0; i < samplesPerSide * 2; i++) {
      const verify = i % 2 === 1;
      const side = verify ? "on" : "off";
      await refill();
      emulator.reset();
      actedPools = new Set(
        emulator
          .sessions()
          .filter((s) => s.userPrincipalName.toLowerCase() === tenant.targetUser.toLowerCase())
          .map((s) => `${s.subscriptionId}/${s.hostPool}`),
      ).size;
      const result = await worker.signOut(tenant.targetUser, { verify });
      sides[side].push(result);
      calls[side].push(emulator.calls().length);
      const verified = result.counts?.verified ?? -1;
      const expectedVerified = verify ? size.targetSessions : 0;
      if (result.httpStatus !== 200 || result.reportStatus !== "completed") {
        problems.push(`verify ${side}: HTTP ${result.httpStatus}, report ${result.reportStatus ?? "?"}`);
      }
      if (verified !== expectedVerified)
        problems.push(`verify ${side}: verified ${verified}, expected ${expectedVerified}`);
      for (const problem of verifySignOut(emulator, tenant)) problems.push(`verify ${side}: ${problem}`);
    }
  } finally {
    await worker.stop();
  }
  const summarize = (side: "off" | "on"): VerificationSide => ({
    medianMs: median(sides[side].map((s) => s.wallMs)),
    wallMs: sides[side].map((s) => Math.round(s.wallMs)),
    calls: calls[side],
    functionCpuMedianMs: median(sides[side].map((s) => s.cpuMs)),
  });
  const result: VerificationResult = {
    size,
    latencyMs,
    expectedCalls,
    actedPools,
    off: summarize("off"),
    on: summarize("on"),
    problems,
  };
  log(
    `verify ${size.subscriptions}×${size.hostPoolsPerSubscription}: off ${result.off.medianMs.toFixed(1)} ms, on ${result.on.medianMs.toFixed(1)} ms`,
  );
  return result;
}

export function formatVerification(result: VerificationResult): string {
  const { size } = result;
  const tenant = `${size.subscriptions}×${size.hostPoolsPerSubscription} @${result.latencyMs}ms`;
  const calls = (side: VerificationSide): string => [...new Set(side.calls)].join("/");
  const extraMs = result.on.medianMs - result.off.medianMs;
  return [
    "What verification costs (warm synchronous sign-out, samples with and without `verify` alternated on one instance; the emulator answers at once, no listing lag):",
    "",
    "| Tenant | k (pools acted in) | `verify` | ARM calls (S + H + k = " +
      `${result.expectedCalls}` +
      ") | Wall (median) | Function CPU (median) |",
    "| ------ | ------------------ | -------- | ----------------------- | ------------- | --------------------- |",
    `| ${tenant} | ${size.targetSessions} (${result.actedPools}) | off | ${calls(result.off)} | ${Math.round(result.off.medianMs)} ms | ${Math.round(result.off.functionCpuMedianMs)} ms |`,
    `| ${tenant} | ${size.targetSessions} (${result.actedPools}) | on | ${calls(result.on)} | ${Math.round(result.on.medianMs)} ms (+${Math.round(extraMs)} ms) | ${Math.round(result.on.functionCpuMedianMs)} ms |`,
  ].join("\n");
}
