import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ManagedIdentityCredential } from "@azure/identity";
import { format, resolveConfig } from "prettier";
import { startEmulator } from "../emulator/startEmulator";
import { armThrottlingModel, armThrottlingSource } from "./armThrottlingModel";
import { replaceBenchmarkSection } from "./benchmarkSection";
import { buildBenchTenant } from "./benchTenant";
import { evaluateTargets, stormTargetUsers } from "./evaluateTargets";
import {
  formatImportCost,
  formatMachine,
  formatMainTable,
  formatReport,
  formatTargets,
  formatStormTable,
  formatThrottlingTable,
  type MachineInfo,
} from "./formatResults";
import { measureImportCost } from "./measureImportCost";
import { measureStorm, stormLatencyMs, type StormResult } from "./measureStorm";
import { measureTenant, type GridRow, type TenantResult } from "./measureTenant";
import {
  formatAsyncOffboarding,
  measureAsyncOffboarding,
  type AsyncOffboardingResult,
} from "./measureAsyncOffboarding";
import { buildStormTenant, stormTenantSize } from "./stormTenant";
import {
  appVariants,
  formatReference,
  measureReference,
  referenceLatencyMs,
  referenceSizes,
  type ReferenceRow,
} from "./measureReference";
import { formatVerification, measureVerification, type VerificationResult } from "./measureVerification";

const projectRoot = path.resolve(__dirname, "..", "..");
const benchDirectory = path.join(projectRoot, "bench");
/** Git-ignored: a benchmark run leaves the tree as it found it unless told to update the docs. */
const resultsDirectory = path.join(benchDirectory, "results");
const performancePage = path.join(projectRoot, "docs", "performance.md");
const entryFile = path.join(projectRoot, "dist", "functions", "userSignout.js");

const usage = `Usage: npm run bench -- [--update-docs]

Writes bench/results/results.json and bench/results/performance-section.md (git-ignored).
  --update-docs    also write the tracked bench/results.json and the latest figures in
                   docs/performance.md (a full run only)
Environment: BENCH_QUICK=1 (the smallest size and a storm of 10), BENCH_ONLY=20x50@40 | storm | async,
BENCH_STORM=10,50, BENCH_ASYNC_LEAVERS=1000. A partial run writes bench/results/partial.json.
`;

/**
 * `BENCH_QUICK=1` runs the small size and a storm of 10 only, to check the bench itself;
 * `BENCH_ONLY=20x50@40` one row, to dig into it (`BENCH_ONLY=storm`: the storm alone);
 * `BENCH_STORM=10,50` the storm at these sizes (`0`: no storm). They write bench/results/partial.json only.
 */
const quick = process.env.BENCH_QUICK === "1";
const only = process.env.BENCH_ONLY;
/** `BENCH_ONLY=async` runs the asynchronous offboarding alone; `BENCH_ASYNC_LEAVERS` sizes it (default 1,000). */
const asyncOnly = only === "async";
/** `BENCH_ONLY=verify` measures what `verify` costs at 5×20 @40 ms alone (`BENCH_VERIFY_SAMPLES` per side, default 7). */
const verifyOnly = only === "verify";
const verifySamples = Number(process.env.BENCH_VERIFY_SAMPLES ?? (quick ? "3" : "7"));
const verifySize = {
  subscriptions: 5,
  hostPoolsPerSubscription: 20,
  sessionHostsPerPool: 4,
  targetSessions: 6,
} as const;
const verifyLatencyMs = 40;
/**
 * `BENCH_ONLY=reference` runs issue 17's side-by-side comparison with the minimal client alone
 * (`BENCH_REFERENCE_SIZES=20x50,40x50` to pick sizes, `BENCH_REFERENCE_SAMPLES` rounds, default 11;
 * `BENCH_VARIANTS` to compare builds or settings, see measureReference).
 */
const referenceOnly = only === "reference";
const referenceSamples = Number(process.env.BENCH_REFERENCE_SAMPLES ?? (quick ? "2" : "11"));
const referenceSizeFilter = process.env.BENCH_REFERENCE_SIZES?.split(",").map((size) => size.trim());
const asyncLeavers = Number(process.env.BENCH_ASYNC_LEAVERS ?? "1000");
const stormSetting = process.env.BENCH_STORM;
const partial = quick || only !== undefined || stormSetting !== undefined;
const fullStormSizes = [10, 50, stormTargetUsers] as const;

function stormSizes(): readonly number[] {
  if (stormSetting !== undefined) {
    const sizes = stormSetting.split(",").map((size) => Number(size.trim()));
    if (sizes.some((size) => !Number.isInteger(size) || size < 0 || size > stormTenantSize.stormUsers)) {
      throw new Error(`BENCH_STORM=${stormSetting}: give sizes from 1 to ${stormTenantSize.stormUsers}, or 0`);
    }
    return sizes.filter((size) => size > 0);
  }
  if (quick) return [10];
  if (only !== undefined && only !== "storm") return [];
  return fullStormSizes;
}

const grid: readonly GridRow[] = [
  row(1, 10, 3, 40, { runRunbook: true }),
  row(5, 20, 6, 40, { runRunbook: true }),
  row(20, 50, 12, 40, { burstRequests: 8 }),
  row(10, 100, 10, 40, {}),
  row(20, 50, 12, 150, { warmSamples: 5, throttledSamples: 2 }),
];

function row(
  subscriptions: number,
  hostPoolsPerSubscription: number,
  targetSessions: number,
  latencyMs: number,
  options: Partial<GridRow>,
): GridRow {
  return {
    size: { subscriptions, hostPoolsPerSubscription, sessionHostsPerPool: 4, targetSessions },
    latencyMs,
    runRunbook: false,
    coldSamples: 3,
    warmSamples: 7,
    throttledSamples: 3,
    burstRequests: 0,
    ...options,
  };
}

function machineInfo(): MachineInfo {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown CPU",
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.versions.node,
    platform: `${os.platform()} ${os.release()}`,
    date: new Date().toISOString().slice(0, 10),
  };
}

function readArguments(): { readonly updateDocs: boolean } {
  let values: { "update-docs"?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { "update-docs": { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const sentence = (error instanceof Error ? error.message : String(error)).split(". ")[0];
    return exitWith(`npm run bench: ${sentence} (npm run bench -- --help lists the options)`, 2);
  }
  if (values.help === true) {
    process.stdout.write(usage);
    process.exit(0);
  }
  if (values["update-docs"] === true && partial) {
    exitWith("npm run bench: --update-docs needs a full run; unset BENCH_QUICK, BENCH_ONLY and BENCH_STORM", 2);
  }
  return { updateDocs: values["update-docs"] === true };
}

function exitWith(line: string, code: number): never {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const { updateDocs } = readArguments();
  if (!existsSync(entryFile)) throw new Error(`${entryFile} is missing: run npm run build first (npm run bench does)`);
  const log = (line: string): void => console.error(`bench: ${line}`);
  const machine = machineInfo();
  log(formatMachine(machine));

  if (verifyOnly) {
    const result = await runVerification(log);
    console.log(
      `\n${formatVerification(result)}\n\nMachine: ${formatMachine(machine)}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}.\n`,
    );
    for (const problem of result.problems) console.log(`CORRECTNESS FAILURE: ${problem}`);
    process.exitCode = result.problems.length === 0 ? 0 : 1;
    return;
  }
  if (referenceOnly) {
    const rows = await runReference(log);
    console.log(`\n${formatReference(rows)}\n\nMachine: ${formatMachine(machine)}.\n`);
    const problems = rows.flatMap((row) => row.problems);
    for (const problem of problems) console.log(`CORRECTNESS FAILURE: ${problem}`);
    mkdirSync(resultsDirectory, { recursive: true });
    writeFileSync(path.join(resultsDirectory, "reference.json"), `${JSON.stringify(rows, null, 2)}\n`);
    process.exitCode = problems.length === 0 ? 0 : 1;
    return;
  }
  if (asyncOnly) {
    const results = await runAsyncOffboarding(log);
    console.log(`\n${formatAsyncOffboarding(results)}\n`);
    const problems = results.flatMap((result) => result.problems);
    for (const problem of problems) console.log(`CORRECTNESS FAILURE: ${problem}`);
    process.exitCode = problems.length === 0 ? 0 : 1;
    return;
  }
  const rows = quick
    ? grid.slice(0, 1)
    : grid.filter(
        (r) =>
          only === undefined || `${r.size.subscriptions}x${r.size.hostPoolsPerSubscription}@${r.latencyMs}` === only,
      );
  const storms = stormSizes();
  if (rows.length === 0 && only !== "storm") throw new Error(`BENCH_ONLY=${only} matches no row`);
  if (rows.length === 0 && storms.length === 0) throw new Error("nothing to measure");
  // The side-by-side comparison first, while this process (which hosts the emulator) is fresh:
  // the grid and the storm leave it a larger heap, whose collections land in either side's rounds.
  const reference = only === undefined ? await runReference(log) : undefined;
  const firstScenario =
    rows[0] === undefined
      ? buildStormTenant(stormLatencyMs).scenario
      : buildBenchTenant(rows[0].size, rows[0].latencyMs).scenario;
  const emulator = await startEmulator({ scenario: firstScenario });
  const scratch = mkdtempSync(path.join(os.tmpdir(), "avd-bench-"));
  const extraCaCertsFile = path.join(scratch, "emulator-ca.pem");
  writeFileSync(extraCaCertsFile, emulator.caCertificatePem);
  // The runbook comparison signs in with the same managed identity, from this process.
  process.env.IDENTITY_ENDPOINT = emulator.identityEndpoint;
  process.env.IDENTITY_HEADER = emulator.identityHeader;
  const runbookCredential = new ManagedIdentityCredential();

  const results: TenantResult[] = [];
  let storm: StormResult | undefined;
  let verification: VerificationResult | undefined;
  try {
    for (const gridRow of rows) {
      results.push(await measureTenant(gridRow, { emulator, extraCaCertsFile, runbookCredential, log }));
    }
    if (storms.length > 0) storm = await measureStorm(storms, { emulator, extraCaCertsFile, log });
    if (only === undefined) {
      verification = await measureVerification(verifySize, verifyLatencyMs, verifySamples, {
        emulator,
        extraCaCertsFile,
        log,
      });
    }
  } finally {
    await emulator.close();
    rmSync(scratch, { recursive: true, force: true });
  }

  const asyncOffboarding = only === undefined ? await runAsyncOffboarding(log) : undefined;

  log("import cost…");
  // BENCH_IMPORT_SAMPLES: fresh processes per side (default 25, 3 in a partial run: nine were too few to be stable).
  const importCost = measureImportCost(
    entryFile,
    projectRoot,
    Number(process.env.BENCH_IMPORT_SAMPLES ?? (partial ? "3" : "25")),
  );
  const outcomes = evaluateTargets(results, importCost, storm, reference);
  const problems = [
    ...results.flatMap((r) => r.problems),
    ...(storm?.problems ?? []),
    ...(verification?.problems ?? []),
    ...(asyncOffboarding ?? []).flatMap((result) => result.problems),
    ...(reference ?? []).flatMap((row) => row.problems),
  ];

  console.log(
    [
      "",
      formatMainTable(results),
      "",
      formatThrottlingTable(results),
      "",
      ...(storm === undefined ? [] : [formatStormTable(storm), ""]),
      formatImportCost(importCost),
      "",
      formatTargets(outcomes),
      "",
      ...(verification === undefined ? [] : [formatVerification(verification), ""]),
      ...(reference === undefined ? [] : [formatReference(reference), ""]),
      ...(asyncOffboarding === undefined ? [] : [formatAsyncOffboarding(asyncOffboarding), ""]),
      `Machine: ${formatMachine(machine)} (absolute times vary; compare the ratios).`,
      ...(problems.length === 0
        ? []
        : ["", "CORRECTNESS FAILURES (these figures do not count):", ...problems.map((p) => `- ${p}`)]),
      "",
    ].join("\n"),
  );

  const json = `${JSON.stringify({ machine, throttlingModel: { ...armThrottlingModel, source: armThrottlingSource }, results, storm, verification, reference, asyncOffboarding, importCost, targets: outcomes, problems }, null, 2)}\n`;
  mkdirSync(resultsDirectory, { recursive: true });
  const written: string[] = [];
  const write = (file: string, content: string): void => {
    writeFileSync(file, content);
    written.push(path.relative(projectRoot, file));
  };
  if (partial) {
    write(path.join(resultsDirectory, "partial.json"), json);
  } else {
    // Formatted as `npm run lint` expects, so that the section can go into docs/performance.md as it is.
    const report = formatReport(results, importCost, outcomes, machine, storm);
    const withVerification = verification === undefined ? report : `${report}\n${formatVerification(verification)}\n`;
    const withReference =
      reference === undefined ? withVerification : `${withVerification}\n${formatReference(reference)}\n`;
    const withAsync =
      asyncOffboarding === undefined
        ? withReference
        : `${withReference}\n${formatAsyncOffboarding(asyncOffboarding)}\n`;
    const markdown = await format(withAsync, { parser: "markdown", printWidth: 120 });
    write(path.join(resultsDirectory, "results.json"), json);
    write(path.join(resultsDirectory, "performance-section.md"), markdown);
    if (updateDocs) {
      write(path.join(benchDirectory, "results.json"), json);
      const page = replaceBenchmarkSection(readFileSync(performancePage, "utf8"), markdown);
      write(
        performancePage,
        await format(page, { ...(await resolveConfig(performancePage)), filepath: performancePage }),
      );
    }
  }
  log(`wrote ${written.join(", ")}`);
  // Targets are reported, never enforced; a wrong answer is a failure.
  process.exitCode = problems.length === 0 ? 0 : 1;
}

/** What verify costs at 5×20 @40 ms, on an emulator of its own. */
async function runVerification(log: (line: string) => void): Promise<VerificationResult> {
  const emulator = await startEmulator({ scenario: buildBenchTenant(verifySize, verifyLatencyMs).scenario });
  const scratch = mkdtempSync(path.join(os.tmpdir(), "avd-bench-"));
  const extraCaCertsFile = path.join(scratch, "emulator-ca.pem");
  writeFileSync(extraCaCertsFile, emulator.caCertificatePem);
  try {
    return await measureVerification(verifySize, verifyLatencyMs, verifySamples, { emulator, extraCaCertsFile, log });
  } finally {
    await emulator.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Issue 17: the minimal client and the app side by side, on an emulator of their own. */
async function runReference(log: (line: string) => void): Promise<ReferenceRow[]> {
  const sizes = referenceSizes.filter(
    (size) =>
      referenceSizeFilter === undefined ||
      referenceSizeFilter.includes(`${size.subscriptions}x${size.hostPoolsPerSubscription}`),
  );
  if (sizes.length === 0) throw new Error(`BENCH_REFERENCE_SIZES=${referenceSizeFilter?.join(",")} matches no size`);
  if (quick) sizes.splice(1);
  const first = sizes[0]!;
  const emulator = await startEmulator({
    scenario: buildBenchTenant(first, referenceLatencyMs).scenario,
    // Both sides wait their turn for seconds: neither should pay new TLS handshakes for it.
    keepAliveTimeoutMs: 120_000,
  });
  const scratch = mkdtempSync(path.join(os.tmpdir(), "avd-bench-"));
  const extraCaCertsFile = path.join(scratch, "emulator-ca.pem");
  writeFileSync(extraCaCertsFile, emulator.caCertificatePem);
  process.env.IDENTITY_ENDPOINT = emulator.identityEndpoint;
  process.env.IDENTITY_HEADER = emulator.identityHeader;
  try {
    return await measureReference(sizes, appVariants(), quick ? Math.min(referenceSamples, 2) : referenceSamples, {
      emulator,
      extraCaCertsFile,
      credential: new ManagedIdentityCredential(),
      log,
    });
  } finally {
    await emulator.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * 2 subscriptions × 10 host pools × 5 hosts at 40 ms per ARM call: `BENCH_ASYNC_LEAVERS` leavers
 * (default 1,000) with verification (the asynchronous default) and without; then the status
 * answer's size for 10,000 leavers × 3 sessions (a dry run: the same answer, no 30,000 deletes).
 */
async function runAsyncOffboarding(log: (line: string) => void): Promise<AsyncOffboardingResult[]> {
  const tenant = { subscriptions: 2, hostPoolsPerSubscription: 10, sessionHostsPerPool: 5 };
  const results: AsyncOffboardingResult[] = [];
  results.push(await measureAsyncOffboarding({ ...tenant, leavers: asyncLeavers }, 40, log, { verify: true }));
  results.push(await measureAsyncOffboarding({ ...tenant, leavers: asyncLeavers }, 40, log, { verify: false }));
  if (!quick) {
    results.push(
      await measureAsyncOffboarding({ ...tenant, leavers: 10_000, sessionsPerLeaver: 3 }, 40, log, { dryRun: true }),
    );
  }
  return results;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
