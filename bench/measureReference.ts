import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import type { TokenCredential } from "@azure/core-auth";
import type { RunningEmulator } from "../emulator/startEmulator";
import { configDefaults } from "../src/lib/config/appConfig";
import { buildBenchTenant, type TenantSize } from "./benchTenant";
import type { ReferenceMessage, ReferenceRun } from "./referenceClientProtocol";
import { median } from "./sampleStatistics";
import { startFunctionWorker, workerSettingsFor, type FunctionWorker } from "./startFunctionWorker";
import { verifySignOut } from "./verifySignOut";

/** One build and settings of the app, measured against the reference in the same run. */
export interface AppVariant {
  readonly label: string;
  /** App settings added to the bench's; `BENCH_APP_ROOT` points the worker at another build. */
  readonly settings: Readonly<Record<string, string>>;
}

export interface ReferenceSide {
  readonly wallMs: readonly number[];
  readonly cpuMs: readonly number[];
  /** TLS connections opened per measured run: 0 when the side stayed warm. */
  readonly newTlsConnections: readonly number[];
  readonly medianWallMs: number;
  readonly medianCpuMs: number;
}

export interface VariantResult extends ReferenceSide {
  readonly label: string;
  readonly maxSockets: number;
  /** latency × max(3, 1 + ⌈(H + k) / sockets⌉): what the socket cap alone allows. */
  readonly socketFloorMs: number;
  readonly wallRatio: number;
  readonly cpuRatio: number;
  /** Peak RSS of the instance after its first (cold) request, and after every request of the row. */
  readonly firstRequestRssBytes: number;
  readonly peakRssBytes: number;
}

export interface ReferenceRow {
  readonly label: string;
  readonly size: TenantSize;
  readonly latencyMs: number;
  readonly calls: number;
  readonly floorMs: number;
  readonly reference: ReferenceSide & { readonly sockets: number };
  readonly apps: readonly VariantResult[];
  readonly loadAverage: { readonly before: readonly number[]; readonly after: readonly number[] };
  readonly problems: readonly string[];
}

export interface ReferenceContext {
  readonly emulator: RunningEmulator;
  readonly extraCaCertsFile: string;
  readonly credential: TokenCredential;
  readonly log: (line: string) => void;
}

export const referenceSizes: readonly TenantSize[] = [
  { subscriptions: 5, hostPoolsPerSubscription: 20, sessionHostsPerPool: 4, targetSessions: 6 },
  { subscriptions: 20, hostPoolsPerSubscription: 50, sessionHostsPerPool: 4, targetSessions: 12 },
  { subscriptions: 40, hostPoolsPerSubscription: 50, sessionHostsPerPool: 4, targetSessions: 12 },
];
/**
 * The live service answers an ARM call in about 100 ms: the comparison is judged there, where users
 * run it (`BENCH_REFERENCE_LATENCY_MS` to look at another latency, e.g. 40 on loopback).
 */
export const referenceLatencyMs = Number(process.env.BENCH_REFERENCE_LATENCY_MS ?? "100");
const referenceSockets = Number(process.env.BENCH_REFERENCE_SOCKETS ?? "1024");

/**
 * `BENCH_VARIANTS="label|KEY=value KEY=value;label2|…"`: several builds or settings of the app, each
 * its own instance, interleaved with the reference (default: one, the app with default settings).
 */
export function appVariants(setting = process.env.BENCH_VARIANTS): AppVariant[] {
  if (setting === undefined || setting.trim() === "") return [{ label: "app", settings: {} }];
  return setting.split(";").map((entry) => {
    const [label = "", pairs = ""] = entry.split("|");
    const settings = Object.fromEntries(
      pairs
        .split(" ")
        .filter((pair) => pair.includes("="))
        .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
    );
    return { label: label.trim(), settings };
  });
}

interface ReferenceClient {
  run(request: {
    armEndpoint: string;
    token: string;
    subscriptionIds: readonly string[];
    userPrincipalName: string;
  }): Promise<ReferenceRun>;
  stop(): Promise<void>;
}

function startReferenceClient(extraCaCertsFile: string): Promise<ReferenceClient> {
  const child: ChildProcess = fork(path.join(__dirname, "referenceClient.js"), [], {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_EXTRA_CA_CERTS: extraCaCertsFile,
      BENCH_REFERENCE_SOCKETS: String(referenceSockets),
    },
    // As BENCH_WORKER_NODE_OPTIONS for the app's worker: profiles both sides of the comparison.
    execArgv: (process.env.BENCH_REFERENCE_NODE_OPTIONS ?? "").split(" ").filter((arg) => arg !== ""),
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  let nextRequestId = 1;
  const pending = new Map<number, { resolve: (run: ReferenceRun) => void; reject: (error: Error) => void }>();
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => {
      const error = new Error(`reference client exited with code ${code}`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
    });
    child.on("message", (message: ReferenceMessage) => {
      if (message.type === "ready") {
        resolve({
          run: (request) =>
            new Promise((resolveRun, rejectRun) => {
              const requestId = nextRequestId++;
              pending.set(requestId, { resolve: resolveRun, reject: rejectRun });
              child.send({ type: "run", requestId, ...request });
            }),
          stop: () =>
            new Promise((resolveStop) => {
              if (child.exitCode !== null) return resolveStop();
              child.removeAllListeners("exit");
              child.once("exit", () => resolveStop());
              child.disconnect();
            }),
        });
      } else if (message.type === "referenceDone") {
        pending.get(message.requestId)?.resolve(message);
        pending.delete(message.requestId);
      } else {
        for (const waiter of pending.values()) waiter.reject(new Error(`reference client: ${message.message}`));
        pending.clear();
      }
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const loadAverage = (): number[] => os.loadavg().map((load) => Math.round(load * 100) / 100);

function side(wallMs: number[], cpuMs: number[], newTlsConnections: number[]): ReferenceSide {
  return { wallMs, cpuMs, newTlsConnections, medianWallMs: median(wallMs), medianCpuMs: median(cpuMs) };
}

/**
 * Issue 17's comparison: the reference client and each app variant answer the same sign-out in
 * turn (the order rotating every round, so load falls on all alike), every answer checked first.
 */
export async function measureReference(
  sizes: readonly TenantSize[],
  variants: readonly AppVariant[],
  samples: number,
  context: ReferenceContext,
): Promise<ReferenceRow[]> {
  const { log } = context;
  const token = (await context.credential.getToken("https://management.azure.com/.default"))?.token;
  if (token === undefined) throw new Error("no token for the reference client");
  const reference = await startReferenceClient(context.extraCaCertsFile);
  const rows: ReferenceRow[] = [];
  try {
    for (const size of sizes) rows.push(await measureRow(size, variants, samples, reference, token, context));
  } finally {
    await reference.stop();
  }
  log("reference: done");
  return rows;
}

async function measureRow(
  size: TenantSize,
  variants: readonly AppVariant[],
  samples: number,
  reference: ReferenceClient,
  token: string,
  context: ReferenceContext,
): Promise<ReferenceRow> {
  const { emulator, log } = context;
  const tenant = buildBenchTenant(size, referenceLatencyMs);
  const label = `${size.subscriptions}×${size.hostPoolsPerSubscription} @${referenceLatencyMs}ms`;
  const problems: string[] = [];
  const calls = size.subscriptions + tenant.hostPools + size.targetSessions;
  emulator.load(tenant.scenario);
  const base = workerSettingsFor(emulator, tenant.subscriptionIds, context.extraCaCertsFile);
  // Each instance keeps its own ARM budget: before each of its requests it waits as long as ARM's
  // read bucket would take to win back what its previous request spent.
  const budgetRefillMs = Math.ceil(((1 + size.hostPoolsPerSubscription) / 25) * 1000) + 100;

  const workers: {
    variant: AppVariant;
    worker: FunctionWorker;
    lastEndMs: number;
    firstRss: number;
    peakRss: number;
  }[] = [];
  for (const variant of variants) {
    emulator.reset();
    const worker = await startFunctionWorker({ ...base, environment: { ...base.environment, ...variant.settings } });
    const first = await worker.signOut(tenant.targetUser);
    if (first.httpStatus !== 200) problems.push(`${label} ${variant.label} cold: HTTP ${first.httpStatus}`);
    workers.push({ variant, worker, lastEndMs: performance.now(), firstRss: first.memory.maxRssBytes, peakRss: 0 });
  }
  const runReference = async (): Promise<ReferenceRun> => {
    emulator.reset();
    const run = await reference.run({
      armEndpoint: emulator.armEndpoint,
      token,
      subscriptionIds: tenant.subscriptionIds,
      userPrincipalName: tenant.targetUser,
    });
    if (run.deleted !== size.targetSessions) problems.push(`${label} reference: deleted ${run.deleted}`);
    for (const problem of verifySignOut(emulator, tenant)) problems.push(`${label} reference: ${problem}`);
    return run;
  };
  // Warm both sides: connections, JIT, the token cache.
  await runReference();
  await runReference();

  const referenceWall: number[] = [];
  const referenceCpu: number[] = [];
  const referenceTls: number[] = [];
  const appTls = workers.map((): number[] => []);
  const appWall = workers.map((): number[] => []);
  const appCpu = workers.map((): number[] => []);
  const before = loadAverage();
  log(`${label}: load average ${before.join(" ")}`);
  for (let round = 0; round < samples + 1; round++) {
    const participants = [-1, ...workers.map((_, index) => index)];
    const order = participants.map((_, i) => participants[(i + round) % participants.length] as number);
    for (const who of order) {
      if (who < 0) {
        const run = await runReference();
        if (round > 0) {
          referenceWall.push(run.wallMs);
          referenceCpu.push(run.cpuMs);
          referenceTls.push(run.newTlsConnections);
        }
        continue;
      }
      const entry = workers[who]!;
      await sleep(Math.max(0, budgetRefillMs - (performance.now() - entry.lastEndMs)));
      emulator.reset();
      const result = await entry.worker.signOut(tenant.targetUser);
      entry.lastEndMs = performance.now();
      entry.peakRss = Math.max(entry.peakRss, result.memory.maxRssBytes);
      const signedOut = result.counts?.signedOut ?? -1;
      if (result.httpStatus !== 200 || result.reportStatus !== "completed" || signedOut !== size.targetSessions) {
        problems.push(
          `${label} ${entry.variant.label}: HTTP ${result.httpStatus}, ${result.reportStatus}, ${signedOut} signed out`,
        );
      }
      for (const problem of verifySignOut(emulator, tenant))
        problems.push(`${label} ${entry.variant.label}: ${problem}`);
      // Round 0 warms the instance after its cold request.
      if (round > 0) {
        appWall[who]!.push(result.wallMs);
        appCpu[who]!.push(result.cpuMs);
        appTls[who]!.push(result.newTlsConnections);
      }
    }
  }
  const after = loadAverage();
  for (const { worker } of workers) await worker.stop();

  const referenceSide = side(referenceWall, referenceCpu, referenceTls);
  const apps = workers.map(({ variant, firstRss, peakRss }, index): VariantResult => {
    const app = side(appWall[index]!, appCpu[index]!, appTls[index]!);
    const maxSockets = Number(variant.settings.AVD_ARM_MAX_SOCKETS ?? configDefaults.armMaxSockets);
    return {
      label: variant.label,
      ...app,
      maxSockets,
      socketFloorMs:
        referenceLatencyMs * Math.max(3, 1 + Math.ceil((tenant.hostPools + size.targetSessions) / maxSockets)),
      wallRatio: app.medianWallMs / referenceSide.medianWallMs,
      cpuRatio: app.medianCpuMs / referenceSide.medianCpuMs,
      firstRequestRssBytes: firstRss,
      peakRssBytes: peakRss,
    };
  });
  for (const app of apps) {
    log(
      `${label}: reference ${referenceSide.medianWallMs.toFixed(0)} ms / ${referenceSide.medianCpuMs.toFixed(0)} ms CPU; ` +
        `${app.label} ${app.medianWallMs.toFixed(0)} ms (${app.wallRatio.toFixed(2)}×) / ${app.medianCpuMs.toFixed(0)} ms CPU (${app.cpuRatio.toFixed(2)}×)`,
    );
  }
  return {
    label,
    size,
    latencyMs: referenceLatencyMs,
    calls,
    floorMs: 3 * referenceLatencyMs,
    reference: { ...referenceSide, sockets: referenceSockets },
    apps,
    loadAverage: { before, after },
    problems,
  };
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

export function formatReference(rows: readonly ReferenceRow[]): string {
  const header = [
    "Tenant",
    "ARM calls",
    "Reference wall / CPU",
    "App",
    "App wall / CPU",
    "Wall ÷ reference",
    "CPU ÷ reference",
    "Floor (3 × lat.) / socket-cap floor",
    "Wall ÷ floor",
    "New TLS conns (reference / app, all rounds)",
    "Peak RSS (1st request / all)",
    "Load avg (before → after)",
  ];
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  const body = rows.flatMap((row) =>
    row.apps.map((app) =>
      line([
        row.label,
        String(row.calls),
        `${row.reference.medianWallMs.toFixed(0)} ms / ${row.reference.medianCpuMs.toFixed(0)} ms`,
        `${app.label} (${app.maxSockets} sockets)`,
        `${app.medianWallMs.toFixed(0)} ms / ${app.medianCpuMs.toFixed(0)} ms`,
        `**${app.wallRatio.toFixed(2)}×**`,
        `${app.cpuRatio.toFixed(2)}×`,
        `${row.floorMs} ms / ${app.socketFloorMs} ms`,
        `${(app.medianWallMs / row.floorMs).toFixed(2)}×`,
        `${sum(row.reference.newTlsConnections)} / ${sum(app.newTlsConnections)}`,
        `${mib(app.firstRequestRssBytes)} / ${mib(app.peakRssBytes)}`,
        `${row.loadAverage.before.join(" ")} → ${row.loadAverage.after.join(" ")}`,
      ]),
    ),
  );
  return [
    `Reference (issue 17): a minimal raw-HTTPS client (own process, keep-alive, ${rows[0]?.reference.sockets ?? referenceSockets} sockets, no SDK, no validation) makes the same calls against the same emulator — host pools per subscription, each pool's sessions unfiltered, DELETE each match — interleaved with the app's warm requests, the order rotating each round; medians of ${rows[0]?.reference.wallMs.length ?? 0} rounds. Wall and CPU in each process.`,
    "",
    line(header),
    line(header.map(() => "---")),
    ...body,
  ].join("\n");
}
