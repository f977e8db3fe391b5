import { armThrottlingModel } from "./armThrottlingModel";
import type { TargetOutcome } from "./evaluateTargets";
import { entryDependencies, type ImportCost } from "./measureImportCost";
import type { StormResult, StormRun } from "./measureStorm";
import type { TenantResult } from "./measureTenant";
import { median } from "./sampleStatistics";

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  readonly date: string;
}

const ms = (value: number): string => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`);
const ratio = (value: number): string => `${value.toFixed(2)}×`;
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function formatMainTable(results: readonly TenantResult[]): string {
  return table(
    [
      "Tenant (S×P @ latency)",
      "Host pools / sessions (k)",
      "ARM calls: ours / S+H+k / runbook",
      "Warm",
      "Floor (3×lat.)",
      "Warm ÷ floor",
      "Function CPU (warm)",
      "New TLS conns (warm)",
      "Cold (1st request)",
      "Runbook",
      "Speed-up",
      "Peak in flight / subscription",
      "Peak RSS",
    ],
    results.map((r) => {
      const runbookMs = r.runbook.measuredMs ?? r.runbook.estimatedMs;
      const ourCalls = [...new Set(r.warm.samples.map((s) => s.calls))].join("/");
      return [
        r.label,
        `${r.hostPools} / ${r.sessions} (${r.size.targetSessions})`,
        `${ourCalls} / ${r.expectedCalls} / ${r.runbook.measuredCalls ?? r.runbook.calls}`,
        ms(r.warm.medianMs),
        ms(r.floorMs),
        ratio(r.warm.medianMs / r.floorMs),
        ms(median(r.warm.samples.map((x) => x.functionCpuMs))),
        String(median(r.warm.samples.map((x) => x.newTlsConnections))),
        ms(r.cold.medianMs),
        `${ms(runbookMs)} ${r.runbook.measuredMs === undefined ? "(est.)" : "(run)"}`,
        `${(runbookMs / r.warm.medianMs).toFixed(0)}×`,
        String(Math.max(...r.warm.samples.map((s) => s.peakPerSubscription))),
        mib(r.peakMemory.maxRssBytes),
      ];
    }),
  );
}

export function formatThrottlingTable(results: readonly TenantResult[]): string {
  return table(
    [
      "Tenant",
      "Throttled wall (median / slowest)",
      "÷ unthrottled",
      "429s",
      "Failed calls",
      "Back-to-back burst: wall, 429s, failed per request",
    ],
    results.map((r) => [
      r.label,
      `${ms(r.throttled.medianMs)} / ${ms(r.throttled.maxMs)}`,
      ratio(r.throttled.maxMs / r.warm.medianMs),
      String(r.throttled.samples.reduce((n, s) => n + s.throttled, 0)),
      String(r.throttled.samples.reduce((n, s) => n + s.failedCalls, 0)),
      r.burst.length === 0 ? "–" : r.burst.map((s) => `${ms(s.wallMs)}, ${s.throttled}, ${s.failedCalls}`).join("; "),
    ]),
  );
}

const tallied = (counts: Readonly<Record<string, number>>): string =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => `${count} × ${key}`)
    .join(", ") || "–";

function stormRunLabel(run: StormRun): string {
  return run.mode === "storm"
    ? `N=${run.users}: ${run.requests} × 1 user`
    : `N=${run.users} batch: ${run.requests} × ${Math.ceil(run.users / run.requests)} users`;
}

export function formatStormTable(storm: StormResult): string {
  return table(
    [
      "Requests at once",
      "Wall (all answered)",
      "Per request (median / slowest)",
      "Answers",
      "429s",
      "ARM reads / actions",
      "Reads ÷ (S+H)",
      "Targeted sessions left",
      "Other sessions touched",
      "Function CPU",
      "Peak RSS",
      "New TLS conns",
      "Peak in flight",
    ],
    storm.runs.map((run) => [
      stormRunLabel(run),
      ms(run.wallMs),
      `${ms(run.requestWallMs.median)} / ${ms(run.requestWallMs.max)}`,
      tallied(run.answersByStatus),
      String(run.throttled),
      `${run.reads} / ${run.actions}`,
      ratio(run.reads / storm.scanReads),
      `${run.targetedLeft} of ${run.targetedSessions}`,
      String(run.othersTouched),
      ms(run.functionCpuMs),
      mib(run.peakRssBytes),
      String(run.newTlsConnections),
      String(run.peakInFlight),
    ]),
  );
}

export function formatStormIntro(storm: StormResult): string {
  const { reads, deletes } = armThrottlingModel;
  return `Storm (issue 8): one warm instance, ${storm.subscriptions} subscriptions × ${storm.hostPools / storm.subscriptions} host pools × ${storm.sessionHosts / storm.hostPools} session hosts × ${storm.sessions / storm.sessionHosts} sessions (S + H = ${storm.scanReads}) at ${storm.latencyMs} ms per ARM call, ARM's buckets modelled (reads ${reads.capacity} / ${reads.refillPerSecond} per s, deletes ${deletes.capacity} / ${deletes.refillPerSecond} per s, per subscription) and full at the start. N single-user requests, each naming a different user with about 2 sessions (2 per user, 399 for N = 200), are fired at once through the function's invocation model, then the same users as ⌈N/100⌉ batch requests on a fresh instance. The other users' sessions (colleagues and look-alike UPNs) must stay untouched. Reads, actions and 429s are counted at the emulator (retries included), CPU, peak RSS and new TLS connections in the function's process; each instance was warmed by three requests for a user without sessions.`;
}

export function formatTargets(outcomes: readonly TargetOutcome[]): string {
  return table(
    ["Target", "Measured", "Met"],
    outcomes.map((o) => [o.target, o.measured, o.met === undefined ? "–" : o.met ? "yes" : "**no**"]),
  );
}

export function formatImportCost(importCost: ImportCost): string {
  return `Import of the built entry \`dist/functions/userSignout.js\`: ${ms(importCost.entryMedianMs)} vs its dependencies alone (${entryDependencies.join(", ")}): ${ms(importCost.dependenciesMedianMs)} — ${ratio(importCost.ratio)} (medians of ${importCost.runs} fresh processes each).`;
}

export function formatMachine(machine: MachineInfo): string {
  return `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; ${machine.date}`;
}

export function formatReport(
  results: readonly TenantResult[],
  importCost: ImportCost,
  outcomes: readonly TargetOutcome[],
  machine: MachineInfo,
  storm: StormResult | undefined,
): string {
  const { reads, deletes } = armThrottlingModel;
  return [
    "`npm run bench` drives the built `userSignout` function (real handler, SDK and managed-identity flow) against the HTTPS emulator with a fixed latency per ARM call; 4 session hosts per host pool, 2 other users' sessions per host. *Warm* is the median of later requests through the same instance, *cold* the first request of a fresh process (token, clients, TLS). The floor is the critical path of three dependent round trips (list host pools → list sessions → delete). The runbook column runs its algorithm (sequential, the whole pool listed once per session host) through the same SDK and emulator, or estimates it from its exact call count × latency (est.). Every run is checked first: all of the user's sessions gone, nobody else's touched.",
    "",
    formatMainTable(results),
    "",
    `With ARM's throttling modelled per subscription and principal — reads: bucket ${reads.capacity}, refill ${reads.refillPerSecond}/s; deletes: bucket ${deletes.capacity}, refill ${deletes.refillPerSecond}/s (Microsoft Learn, "Understand how Azure Resource Manager throttles requests"; the 2024 token-bucket limits). Each throttled run starts on full buckets; the burst sends the same request back to back on draining buckets (informational, no target):`,
    "",
    formatThrottlingTable(results),
    "",
    ...(storm === undefined ? [] : [formatStormIntro(storm), "", formatStormTable(storm), ""]),
    formatImportCost(importCost),
    "",
    formatTargets(outcomes),
    "",
    `Machine: ${formatMachine(machine)}. Absolute times vary from machine to machine and run to run; the ratios, measured side by side in one run, are the figures to compare.`,
    "",
  ].join("\n");
}
