import type { ArmCallRecord } from "../emulator/emulatorEngine";

export interface OperationPhase {
  readonly operation: string;
  readonly calls: number;
  /** Milliseconds after the first ARM call started. */
  readonly firstStartMs: number;
  readonly lastStartMs: number;
  readonly lastEndMs: number;
  readonly maxDurationMs: number;
}

export interface CallTimeline {
  readonly calls: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly throttled: number;
  /** From the first ARM call's start to the last one's end, as the emulator saw them. */
  readonly armSpanMs: number;
  readonly phases: readonly OperationPhase[];
}

const round = (value: number): number => Math.round(value * 10) / 10;

/** Where the time goes, from the emulator's call log: one phase per operation, in start order. */
export function summarizeCalls(calls: readonly ArmCallRecord[]): CallTimeline {
  const t0 = Math.min(...calls.map((call) => call.startedAtMs));
  const byStatus: Record<string, number> = {};
  const phases = new Map<
    string,
    { calls: number; firstStart: number; lastStart: number; lastEnd: number; maxDuration: number }
  >();
  for (const call of calls) {
    byStatus[call.status] = (byStatus[call.status] ?? 0) + 1;
    const phase = phases.get(call.operation) ?? {
      calls: 0,
      firstStart: Infinity,
      lastStart: 0,
      lastEnd: 0,
      maxDuration: 0,
    };
    phase.calls++;
    phase.firstStart = Math.min(phase.firstStart, call.startedAtMs - t0);
    phase.lastStart = Math.max(phase.lastStart, call.startedAtMs - t0);
    phase.lastEnd = Math.max(phase.lastEnd, call.endedAtMs - t0);
    phase.maxDuration = Math.max(phase.maxDuration, call.endedAtMs - call.startedAtMs);
    phases.set(call.operation, phase);
  }
  return {
    calls: calls.length,
    byStatus,
    throttled: byStatus["429"] ?? 0,
    armSpanMs: calls.length === 0 ? 0 : round(Math.max(...calls.map((call) => call.endedAtMs)) - t0),
    phases: [...phases.entries()]
      .map(([operation, p]) => ({
        operation,
        calls: p.calls,
        firstStartMs: round(p.firstStart),
        lastStartMs: round(p.lastStart),
        lastEndMs: round(p.lastEnd),
        maxDurationMs: round(p.maxDuration),
      }))
      .sort((a, b) => a.firstStartMs - b.firstStartMs),
  };
}
