import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

export interface HostQueueSettings {
  readonly batchSize: number;
  readonly newBatchThreshold: number;
  readonly maxPollingIntervalMs: number;
  /** How long a failed message stays invisible before it is retried. */
  readonly visibilityTimeoutMs: number;
  readonly maxDequeueCount: number;
  readonly messageEncoding: "base64" | "none";
}

const timeSpan = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/;

/** host.json durations: a TimeSpan ("00:00:02", "1.00:00:00") or, as older host.json files did, milliseconds. */
function durationMs(value: string | number, ctx: z.RefinementCtx): number {
  if (typeof value === "number" || /^\d+$/.test(value)) return Number(value);
  const match = timeSpan.exec(value);
  if (match === null) {
    ctx.addIssue({ code: "custom", message: `not a TimeSpan (hh:mm:ss): ${value}` });
    return z.NEVER;
  }
  const [, days = "0", hours = "0", minutes = "0", seconds = "0", fraction = "0"] = match;
  return (
    ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
    Number(seconds) * 1000 +
    Math.round(Number(`0.${fraction}`) * 1000)
  );
}

const duration = z.union([z.string(), z.number()]).transform(durationMs);
const count = z.coerce.number().int();

const queuesSchema = z.object({
  batchSize: count.min(1).max(32).default(16),
  newBatchThreshold: count.min(0).optional(),
  maxPollingInterval: duration.default(60_000),
  visibilityTimeout: duration.default(0),
  maxDequeueCount: count.min(1).default(5),
  messageEncoding: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(["base64", "none"]))
    .default("base64"),
});

const overridePrefix = "azurefunctionsjobhost__extensions__queues__";

/** `extensions.queues` as the app's host.json writes it, before defaults and overrides. */
export function readHostJsonQueues(appRoot: string): Readonly<Record<string, unknown>> {
  const hostJson = JSON.parse(readFileSync(path.join(appRoot, "host.json"), "utf8")) as {
    extensions?: { queues?: Record<string, unknown> };
  };
  return { ...hostJson.extensions?.queues };
}

/**
 * `extensions.queues` from the app's host.json with the host's documented defaults, and the app
 * settings that override host.json (`AzureFunctionsJobHost__extensions__queues__<name>`), as in Azure.
 */
export function readHostQueueSettings(appRoot: string, env: NodeJS.ProcessEnv): HostQueueSettings {
  const configured: Record<string, unknown> = { ...readHostJsonQueues(appRoot) };
  for (const [name, value] of Object.entries(env)) {
    if (!name.toLowerCase().startsWith(overridePrefix) || value === undefined) continue;
    const key = Object.keys(queuesSchema.shape).find(
      (candidate) => candidate.toLowerCase() === name.slice(overridePrefix.length).toLowerCase(),
    );
    if (key !== undefined) configured[key] = value;
  }
  const parsed = queuesSchema.safeParse(configured);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`host.json extensions.queues.${issue?.path.join(".")}: ${issue?.message}`);
  }
  const queues = parsed.data;
  return Object.freeze({
    batchSize: queues.batchSize,
    newBatchThreshold: queues.newBatchThreshold ?? Math.floor(queues.batchSize / 2),
    maxPollingIntervalMs: queues.maxPollingInterval,
    visibilityTimeoutMs: queues.visibilityTimeout,
    maxDequeueCount: queues.maxDequeueCount,
    messageEncoding: queues.messageEncoding,
  });
}
