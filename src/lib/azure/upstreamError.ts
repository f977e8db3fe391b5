/** What the report says about a failed Azure call: no stack, no request, no token. */
export interface UpstreamError {
  readonly code: string;
  readonly statusCode: number | undefined;
  readonly message: string;
}

const maxMessageLength = 300;

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function redact(message: string): string {
  const oneLine = message
    .replace(/Bearer\s+[\w.~+/=-]+/gi, "Bearer [redacted]")
    .replace(/\s+/g, " ")
    .trim();
  return oneLine.length > maxMessageLength ? `${oneLine.slice(0, maxMessageLength - 1)}…` : oneLine;
}

/**
 * Classifies by name, status and code rather than `instanceof`: the SDK, identity and core
 * packages each bring their own error classes, possibly from duplicated package copies.
 */
export function toUpstreamError(error: unknown): UpstreamError {
  const name = field(error, "name");
  const statusCode = field(error, "statusCode");
  const code = field(error, "code");
  const message = field(error, "message");
  const text = typeof message === "string" && message !== "" ? redact(message) : "The call failed.";
  const status = typeof statusCode === "number" ? statusCode : undefined;

  if (name === "AbortError") {
    return {
      code: "DeadlineExceeded",
      statusCode: undefined,
      message: "The request deadline was reached before this call finished.",
    };
  }
  if (
    name === "CredentialUnavailableError" ||
    name === "AuthenticationError" ||
    name === "AggregateAuthenticationError"
  ) {
    return { code: "AuthenticationFailed", statusCode: status, message: text };
  }
  if (typeof code === "string" && code !== "") {
    return { code, statusCode: status, message: text };
  }
  if (status !== undefined) {
    return { code: `Http${status}`, statusCode: status, message: text };
  }
  return { code: "RequestFailed", statusCode: undefined, message: text };
}

export function isAbortError(error: unknown): boolean {
  return field(error, "name") === "AbortError";
}
