import { z } from "zod";

/**
 * Every structured log line the app writes: one JSON object per line, named by `event`, declared
 * here once with its fields. The declarations are the contract with the Kusto functions in
 * docs/kusto and the alerts built on them (a test holds every field a query reads against them);
 * they are never parsed at run time, only used for their types and field names.
 *
 * Ids mean one thing everywhere: `operationId` is the sign-out operation a line is about (a
 * synchronous request's report id, which is its invocation id, or an asynchronous operation's id);
 * `invocationId` is the Functions invocation that wrote the line, carried where no operation is
 * known yet or where the two differ.
 */
const text = z.string();
const count = z.number().int();
const caller = { callerName: text.optional(), callerObjectId: text.optional() };
const upstreamError = {
  code: text,
  statusCode: count.optional(),
  message: text,
};
const sessionPlace = {
  subscriptionId: text.optional(),
  resourceGroup: text.optional(),
  hostPool: text.optional(),
  sessionHost: text.optional(),
  sessionId: text.optional(),
};
const configurationError = { invocationId: text, code: text, setting: text, message: text };
const internalError = { invocationId: text, error: text };
const jobMessage = { operationId: text, chunk: count, stage: text };

export const logEventFields = {
  "userSignout.summary": z.object({
    operationId: text,
    userPrincipalName: text.optional(),
    userPrincipalNames: z.array(text).readonly().optional(),
    userObjectId: text.optional(),
    mode: text,
    dryRun: z.boolean(),
    status: text,
    durationMs: count,
    strategy: text.optional(),
    requestedBy: text.optional(),
    reason: text.optional(),
    ...caller,
    // The report's counts, spread flat so that a query reads them as columns.
    subscriptions: count,
    hostPoolsScanned: count,
    sessionsFound: count,
    signedOut: count,
    alreadyGone: count,
    wouldSignOut: count,
    failed: count,
    deadlineExceeded: count,
    verified: count,
    stillPresent: count,
    disconnected: count.optional(),
    alreadyDisconnected: count.optional(),
    wouldDisconnect: count.optional(),
    otherAccount: count.optional(),
    protected: count.optional(),
    notifications: z.record(text, count).optional(),
    errors: count,
  }),
  "userSignout.failure": z.object({
    operationId: text,
    scope: text,
    ...upstreamError,
    ...sessionPlace,
  }),
  "userSignout.notifyFailure": z.object({
    operationId: text,
    hostPool: text,
    sessionHost: text,
    sessionId: text,
    code: text.optional(),
    statusCode: count.optional(),
    message: text.optional(),
  }),
  "userSignout.rejected": z.object({ operationId: text, code: text, fields: z.array(text).readonly() }),
  "userSignout.callerNotAuthorized": z.object({ operationId: text, ...caller }),
  "userSignout.protectedAccountRefused": z.object({
    operationId: text,
    // UPNs or object ids, as the request named them.
    protectedAccounts: z.array(text).readonly(),
    ...caller,
  }),
  "userSignout.accepted": z.object({
    invocationId: text,
    operationId: text,
    users: count,
    chunks: count,
    mode: text,
    dryRun: z.boolean(),
    gracePeriodSeconds: z.number(),
    requestedBy: text.optional(),
    reason: text.optional(),
    ...caller,
  }),
  "userSignout.notAccepted": z.object({ invocationId: text, code: text, error: text }),
  "userSignout.configurationError": z.object(configurationError),
  "userSignout.internalError": z.object(internalError),
  "userSignoutOperation.storageUnavailable": z.object({ invocationId: text, operationId: text, error: text }),
  "userSignoutOperation.configurationError": z.object(configurationError),
  "userSignoutOperation.internalError": z.object(internalError),
  "userSignoutJob.step": z.object({ ...jobMessage, dequeueCount: count.optional(), outcome: text }),
  "userSignoutJob.stepFailed": z.object({ ...jobMessage, dequeueCount: count.optional(), error: text }),
  "userSignoutJob.refused": z.object({
    reason: text,
    problem: text.optional(),
    operationId: text.optional(),
    chunk: count.optional(),
    stage: text.optional(),
  }),
  "userSignoutJobPoison.failed": z.object({ ...jobMessage, outcome: text }),
  "userSignoutJobPoison.refused": z.object({
    reason: text,
    problem: text.optional(),
    operationId: text.optional(),
    chunk: count.optional(),
    stage: text.optional(),
  }),
  "openApi.configurationError": z.object(configurationError),
  "openApi.internalError": z.object(internalError),
} as const;

export type LogEventName = keyof typeof logEventFields;
export const logEventNames = Object.keys(logEventFields) as LogEventName[];

/** One event, typed by its name: a field the declaration lacks, or of another type, does not compile. */
export type LogEvent<TName extends LogEventName = LogEventName> = {
  [Name in TName]: { readonly event: Name } & z.input<(typeof logEventFields)[Name]>;
}[TName];

/** The HTTP functions, whose configuration and internal errors the one HTTP wrapper logs. */
export type HttpFunctionName = "userSignout" | "userSignoutOperation" | "openApi";

export type LogLevel = "info" | "warn" | "error";

/** The shape of the Functions invocation context's loggers (and of a test's capture). */
export interface LogSink {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export function logEvent<TName extends LogEventName>(sink: LogSink, level: LogLevel, event: LogEvent<TName>): void {
  sink[level](JSON.stringify(event));
}
