import type { ImportCost } from "./measureImportCost";
import type { TenantResult } from "./measureTenant";

export interface TargetOutcome {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

const find = (results: readonly TenantResult[], s: number, p: number, latencyMs: number): TenantResult | undefined =>
  results.find((r) => r.size.subscriptions === s && r.size.hostPoolsPerSubscription === p && r.latencyMs === latencyMs);

const x = (value: number): string => `${value.toFixed(2)}×`;

/** The targets, reported, never enforced. */
export function evaluateTargets(results: readonly TenantResult[], importCost: ImportCost): TargetOutcome[] {
  const outcomes: TargetOutcome[] = [];
  const mid = find(results, 5, 20, 40);
  const large = find(results, 20, 50, 40);
  const missing = (target: string): TargetOutcome => ({ target, measured: "not measured", met: undefined });

  const ratioTarget = (row: TenantResult | undefined, limit: number, name: string): TargetOutcome => {
    const target = `Warm wall ≤ ${limit} × critical-path floor at ${name}, 40 ms`;
    if (row === undefined) return missing(target);
    const ratio = row.warm.medianMs / row.floorMs;
    return {
      target,
      measured: `${row.warm.medianMs.toFixed(0)} ms / ${row.floorMs} ms = ${x(ratio)}`,
      met: ratio <= limit,
    };
  };
  outcomes.push(ratioTarget(mid, 1.5, "5×20"), ratioTarget(large, 2, "20×50"));

  if (mid === undefined) outcomes.push(missing("≥ 50 × faster than the runbook's algorithm at 5×20"));
  else {
    const runbookMs = mid.runbook.measuredMs ?? mid.runbook.estimatedMs;
    const speedUp = runbookMs / mid.warm.medianMs;
    outcomes.push({
      target: "≥ 50 × faster than the runbook's algorithm at 5×20",
      measured: `${(runbookMs / 1000).toFixed(1)} s ${mid.runbook.measuredMs === undefined ? "(estimated)" : "(measured)"} / ${mid.warm.medianMs.toFixed(0)} ms = ${speedUp.toFixed(0)}×`,
      met: speedUp >= 50,
    });
  }

  const offCount = results.flatMap((r) =>
    r.warm.samples.filter((s) => s.calls !== r.expectedCalls).map((s) => `${r.label}: ${s.calls} ≠ ${r.expectedCalls}`),
  );
  outcomes.push({
    target: "Exactly S + H + k ARM calls when nothing is paged or throttled",
    measured:
      offCount.length === 0
        ? `every warm run, all sizes (${results.map((r) => r.expectedCalls).join(", ")})`
        : offCount.join("; "),
    met: offCount.length === 0,
  });

  const throttledFailures = results.reduce(
    (sum, r) => sum + r.throttled.samples.reduce((n, s) => n + s.failedCalls, 0),
    0,
  );
  const throttled429 = results.reduce((sum, r) => sum + r.throttled.samples.reduce((n, s) => n + s.throttled, 0), 0);
  outcomes.push({
    target: "Under modelled ARM throttling no request fails",
    measured: `${throttledFailures} failed, ${throttled429} × 429 over all throttled runs`,
    met: throttledFailures === 0,
  });
  if (large === undefined) outcomes.push(missing("Throttled wall ≤ 3 × unthrottled at 20×50"));
  else {
    const ratio = large.throttled.maxMs / large.warm.medianMs;
    outcomes.push({
      target: "Throttled wall ≤ 3 × unthrottled at 20×50",
      measured: `${large.throttled.maxMs.toFixed(0)} ms (slowest) / ${large.warm.medianMs.toFixed(0)} ms = ${x(ratio)}`,
      met: ratio <= 3,
    });
  }
  outcomes.push({
    target: "Import of the built entry ≤ 1.15 × its dependencies alone",
    measured: `${importCost.entryMedianMs.toFixed(0)} ms / ${importCost.dependenciesMedianMs.toFixed(0)} ms = ${x(importCost.ratio)}`,
    met: importCost.ratio <= 1.15,
  });
  return outcomes;
}
