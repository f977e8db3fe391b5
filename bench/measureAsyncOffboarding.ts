import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { QueueServiceClient } from "@azure/storage-queue";
import { startEmulator } from "../emulator/startEmulator";
import { forkFunctionsHost } from "../local/forkFunctionsHost";
import type { QueueTriggerEvent } from "../local/pollQueueTrigger";
import { startAzurite } from "../local/startAzurite";
import { jobQueueName, poisonQueueName } from "../src/lib/jobs/jobNames";
import { buildLeaversTenant, type LeaversTenantSize } from "./leaversTenant";

/** The emulator's page size for user-session listings (its scenario default). */
const defaultSessionPageSize = 200;

export interface AsyncOffboardingOptions {
  /** The request's `verify` (asynchronous calls verify by default). */
  readonly verify?: boolean;
  readonly dryRun?: boolean;
}

export interface AsyncOffboardingResult {
  readonly size: LeaversTenantSize;
  readonly latencyMs: number;
  readonly verify: boolean;
  readonly dryRun: boolean;
  /** Bytes of the status URL's final answer (compact above 100 users). */
  readonly finalAnswerBytes: number;
  /** Bytes of the same answer with ?detail=full, read once at the end. */
  readonly fullAnswerBytes: number;
  /** From the POST to the status URL's final answer (polled every 100 ms). */
  readonly wallMs: number;
  readonly acceptMs: number;
  readonly finalStatus: number;
  readonly armReads: number;
  readonly armWrites: number;
  readonly readBound: number;
  readonly messagesProcessed: number;
  readonly statusPolls: number;
  readonly problems: readonly string[];
}

/**
 * The 1,000-leaver asynchronous offboarding, end to end: the built app on the local functions host
 * (queue triggers with the host's semantics) over Azurite and the HTTPS emulator.
 */
export async function measureAsyncOffboarding(
  size: LeaversTenantSize,
  latencyMs: number,
  log: (line: string) => void,
  options: AsyncOffboardingOptions = {},
): Promise<AsyncOffboardingResult> {
  const verify = options.verify ?? true;
  const dryRun = options.dryRun ?? false;
  const tenant = buildLeaversTenant(size, latencyMs);
  const emulator = await startEmulator({ scenario: tenant.scenario });
  const azurite = await startAzurite();
  const scratch = mkdtempSync(path.join(tmpdir(), "avd-bench-async-"));
  const caFile = path.join(scratch, "emulator-ca.pem");
  writeFileSync(caFile, emulator.caCertificatePem);
  const service = QueueServiceClient.fromConnectionString(azurite.connectionString);
  for (const name of [jobQueueName, poisonQueueName]) await service.getQueueClient(name).createIfNotExists();
  const functionKey = "bench-key";
  const host = forkFunctionsHost(
    {
      PATH: process.env.PATH,
      FUNCTIONS_KEY: functionKey,
      FUNCTIONS_HTTP_PORT: "0",
      NODE_EXTRA_CA_CERTS: caFile,
      IDENTITY_ENDPOINT: emulator.identityEndpoint,
      IDENTITY_HEADER: emulator.identityHeader,
      AVD_SUBSCRIPTION_IDS: tenant.scenario.subscriptions.map((subscription) => subscription.id).join(","),
      AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.armEndpoint,
      AzureWebJobsStorage: azurite.connectionString,
    },
    { silent: true },
  );
  let processed = 0;
  const port = await new Promise<number>((resolve, reject) => {
    host.on("message", (message: { ready?: boolean; port?: number; queueEvent?: QueueTriggerEvent }) => {
      if (message.ready === true && typeof message.port === "number") resolve(message.port);
      if (message.queueEvent?.kind === "completed" || message.queueEvent?.kind === "failed") processed++;
    });
    host.once("exit", (code) => reject(new Error(`the functions host exited (${String(code)})`)));
  });
  try {
    log(
      `async offboarding: ${size.leavers} leavers over ${tenant.subscriptions}×${tenant.hostPools / tenant.subscriptions} @${latencyMs}ms…`,
    );
    emulator.clearCalls();
    const started = performance.now();
    const accepted = await fetch(`http://127.0.0.1:${port}/api/avd/user-signout`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-functions-key": functionKey, prefer: "respond-async" },
      body: JSON.stringify({ userPrincipalNames: tenant.leavers, reason: "Benchmark: leavers", verify, dryRun }),
    });
    const acceptMs = performance.now() - started;
    await accepted.body?.cancel();
    const location = accepted.headers.get("location");
    if (accepted.status !== 202 || location === null) throw new Error(`the POST answered ${accepted.status}`);
    let polls = 0;
    let final: Response | undefined;
    // Bounded: ten minutes of polls at most.
    while (polls < 6000) {
      polls++;
      const response = await fetch(location);
      if (response.status !== 202) {
        final = response;
        break;
      }
      await response.body?.cancel();
      await delay(100);
    }
    const wallMs = performance.now() - started;
    const problems: string[] = [];
    if (final === undefined) problems.push("the operation did not finish within 6000 polls");
    const text = (await final?.text()) ?? "";
    const report = (text === "" ? undefined : JSON.parse(text)) as
      { counts?: { signedOut: number; wouldSignOut: number; sessionsFound: number } } | undefined;
    if (final?.status !== 200) problems.push(`the final answer was ${final?.status ?? "none"}`);
    const expected = size.leavers * (size.sessionsPerLeaver ?? 1);
    const handled = dryRun ? report?.counts?.wouldSignOut : report?.counts?.signedOut;
    if (handled !== expected) problems.push(`${dryRun ? "would sign out" : "signed out"} ${handled} of ${expected}`);
    const full = await fetch(`${location}&detail=full`);
    const fullAnswerBytes = Buffer.byteLength(await full.text());
    const remaining = emulator
      .sessions()
      .map((s) => `${s.subscriptionId}/${s.hostPool}/${s.sessionHost}/${s.sessionId} ${s.userPrincipalName}`)
      .sort();
    if (!dryRun && JSON.stringify(remaining) !== JSON.stringify(tenant.bystanders)) {
      problems.push("bystanders' sessions changed");
    }
    const calls = emulator.calls();
    // A listing is a page: a host pool of 1,500 sessions is 8 listings at the emulator's 200 a page.
    const pages = tenant.scenario.subscriptions
      .flatMap((subscription) => subscription.hostPools ?? [])
      .reduce((total, pool) => {
        const sessions = (pool.sessionHosts ?? []).reduce((n, host) => n + (host.sessions?.length ?? 0), 0);
        return total + Math.max(1, Math.ceil(sessions / defaultSessionPageSize));
      }, 0);
    const readBound = 10 * (tenant.subscriptions + pages);
    const armReads = calls.filter((call) => call.method === "GET").length;
    if (armReads > readBound) problems.push(`${armReads} ARM reads, over 10 × (S + pages of H) = ${readBound}`);
    return {
      size,
      latencyMs,
      verify,
      dryRun,
      finalAnswerBytes: Buffer.byteLength(text),
      fullAnswerBytes,
      wallMs: Math.round(wallMs),
      acceptMs: Math.round(acceptMs),
      finalStatus: final?.status ?? 0,
      armReads,
      armWrites: calls.length - armReads,
      readBound,
      messagesProcessed: processed,
      statusPolls: polls,
      problems,
    };
  } finally {
    const exited = new Promise((resolve) => host.once("exit", resolve));
    host.kill("SIGKILL");
    await exited;
    await Promise.all([emulator.close(), azurite.close()]);
    rmSync(scratch, { recursive: true, force: true });
  }
}

const mb = (bytes: number): string => `${(bytes / 1_000_000).toFixed(2)} MB`;

export function formatAsyncOffboarding(results: readonly AsyncOffboardingResult[]): string {
  return [
    "Asynchronous offboarding (Prefer: respond-async; the local functions host's queue triggers over Azurite; status polled every 100 ms):",
    "",
    "| Leavers × sessions | Request | Tenant (S×P×hosts @ latency) | Wall (POST → final answer) | POST answered 202 in | ARM reads (≤ 10 × (S + session pages)) | ARM writes | Messages processed | Final | Final answer (compact above 100 users) | Same with ?detail=full |",
    "| ------------------ | ------- | ---------------------------- | -------------------------- | -------------------- | --------------------------------------- | ---------- | ------------------ | ----- | -------------------------------------- | ---------------------- |",
    ...results.map((result) => {
      const { size } = result;
      const request = [
        result.dryRun ? "dry run" : "sign out",
        result.verify && !result.dryRun ? "verify" : "no verify",
      ].join(", ");
      return `| ${size.leavers} × ${size.sessionsPerLeaver ?? 1} | ${request} | ${size.subscriptions}×${size.hostPoolsPerSubscription}×${size.sessionHostsPerPool} @${result.latencyMs}ms | ${result.wallMs} ms | ${result.acceptMs} ms | ${result.armReads} (≤ ${result.readBound}) | ${result.armWrites} | ${result.messagesProcessed} | ${result.finalStatus} | ${mb(result.finalAnswerBytes)} | ${mb(result.fullAnswerBytes)} |`;
    }),
  ].join("\n");
}
