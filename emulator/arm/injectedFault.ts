import { STATUS_CODES } from "node:http";
import type { EmulatorEngine } from "../emulatorEngine";
import type { ArmRouteParams } from "../matchArmRoute";
import type { ArmOperation, ResolvedFault } from "../scenario";
import { armError, defaultCode, type ArmReply } from "./armReply";

/**
 * The fault stage: the first of the scenario's faults that matches the request and has failures
 * left answers instead of the operation (and counts the call against its `count`).
 */
export function injectedFault(
  engine: EmulatorEngine,
  request: {
    readonly method: string;
    readonly operation: ArmOperation | "unknown";
    readonly params: Partial<ArmRouteParams>;
    readonly pathname: string;
  },
): ArmReply | undefined {
  const fault = engine.takeFault((index) => {
    const candidate = engine.scenario.faults[index]?.match;
    return candidate !== undefined && faultMatches(candidate, request);
  });
  return fault === undefined ? undefined : faultReply(fault);
}

/**
 * A path fault answers even where the emulator has no route: a gateway's page comes before ARM's
 * routing. Only faults that name a path take part.
 */
export function injectedPathFault(engine: EmulatorEngine, method: string, pathname: string): ArmReply | undefined {
  const fault = engine.takeFault((index) => {
    const candidate = engine.scenario.faults[index]?.match;
    return (
      candidate?.path !== undefined && faultMatches(candidate, { method, operation: "unknown", params: {}, pathname })
    );
  });
  return fault === undefined ? undefined : faultReply(fault);
}

function faultMatches(
  candidate: ResolvedFault["match"],
  request: {
    readonly method: string;
    readonly operation: ArmOperation | "unknown";
    readonly params: Partial<ArmRouteParams>;
    readonly pathname: string;
  },
): boolean {
  const { method, operation, params, pathname } = request;
  return (
    (candidate.method === undefined || candidate.method.toUpperCase() === method) &&
    (candidate.operation === undefined || candidate.operation === operation) &&
    sameName(candidate.subscriptionId, params.subscriptionId) &&
    sameName(candidate.hostPool, params.hostPool) &&
    (candidate.sessionId === undefined || candidate.sessionId === params.sessionId) &&
    (candidate.path === undefined || samePath(candidate.path, pathname))
  );
}

function sameName(expected: string | undefined, actual: string | undefined): boolean {
  return expected === undefined || expected.toLowerCase() === actual?.toLowerCase();
}

function samePath(expected: string, actual: string): boolean {
  const normalise = (path: string): string => {
    try {
      return decodeURIComponent(path)
        .replace(/(?<!\/)\/+$/, "")
        .toLowerCase();
    } catch {
      return path.toLowerCase();
    }
  };
  return normalise(expected) === normalise(actual);
}

function faultReply(fault: ResolvedFault): ArmReply {
  const headers: Record<string, string> =
    fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) };
  switch (fault.body) {
    case "html":
      return { status: fault.status, raw: { text: htmlPage(fault.status), contentType: "text/html" }, headers };
    case "emptyObject":
      return { status: fault.status, body: {}, headers };
    case "json":
      return { status: fault.status, body: fault.json, headers };
    case "nullValue":
      return { status: fault.status, body: { value: null }, headers };
    case "text":
      return { status: fault.status, raw: { text: fault.text ?? "", contentType: "application/json" }, headers };
    case "cutOff":
      // The operation still answers: this only marks its answer to be cut.
      return { status: fault.status, cutOff: true };
    case "endless":
      return { status: fault.status, stream: { kind: "endless", contentEncoding: fault.contentEncoding } };
    case "huge":
      return {
        status: fault.status,
        stream: { kind: "huge", sizeBytes: fault.sizeBytes, contentEncoding: fault.contentEncoding },
      };
    case "armError":
      return armError(
        fault.status,
        fault.code ?? defaultCode(fault.status),
        fault.message ?? `Injected fault: ${STATUS_CODES[fault.status] ?? "error"}.`,
        headers,
      );
  }
}

/** The kind of page a front end (not ARM) answers: no JSON, no error code. */
function htmlPage(status: number): string {
  const title = `${status} - ${STATUS_CODES[status] ?? "Error"}`;
  return `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1><p>The resource you are looking for has been removed, had its name changed, or is temporarily unavailable.</p></body></html>\n`;
}
