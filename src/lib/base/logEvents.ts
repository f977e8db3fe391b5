/**
 * Every structured log line the app writes: one JSON object per line, named by `event`. The names
 * are the contract with the Kusto functions in docs/kusto and the alerts built on them.
 */
export const logEventNames = [
  "userSignout.summary",
  "userSignout.failure",
  "userSignout.notifyFailure",
  "userSignout.rejected",
  "userSignout.callerNotAuthorized",
  "userSignout.protectedAccountRefused",
  "userSignout.accepted",
  "userSignout.notAccepted",
  "userSignout.configurationError",
  "userSignout.internalError",
  "userSignoutOperation.storageUnavailable",
  "userSignoutOperation.configurationError",
  "userSignoutOperation.internalError",
  "userSignoutJob.step",
  "userSignoutJob.stepFailed",
  "userSignoutJob.refused",
  "userSignoutJobPoison.failed",
  "userSignoutJobPoison.refused",
  "openApi.configurationError",
  "openApi.internalError",
] as const;
export type LogEventName = (typeof logEventNames)[number];

/** The HTTP functions, whose configuration and internal errors the one HTTP wrapper logs. */
export type HttpFunctionName = "userSignout" | "userSignoutOperation" | "openApi";

export type LogLevel = "info" | "warn" | "error";

/** What a log line may carry besides its name: plain values, never an Error (its stack could leak). */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined | object>>;

export type LogEvent = { readonly event: LogEventName } & LogFields;

/** The shape of the Functions invocation context's loggers (and of a test's capture). */
export interface LogSink {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export function logEvent(sink: LogSink, level: LogLevel, event: LogEvent): void {
  sink[level](JSON.stringify(event));
}
