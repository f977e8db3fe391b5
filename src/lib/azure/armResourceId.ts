/**
 * ARM ids are written with segment names in whatever case the service chose (the live AVD service
 * writes `resourcegroups`, `hostpools`, `sessionhosts`, `usersessions`), so names are matched
 * case-insensitively while values keep their case.
 */
export interface HostPoolRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly hostPool: string;
}

export interface UserSessionRef extends HostPoolRef {
  readonly sessionHost: string;
  readonly sessionId: string;
}

const provider = "microsoft.desktopvirtualization";

// A value is one plain path segment: never empty, `.` or `..` (which URL resolution would collapse
// into a parent resource), never an escape, separator, query, fragment, space or control character.
// eslint-disable-next-line no-control-regex -- control characters are what this keeps out
const plainSegment = /^[^\s/\\%?#\u0000-\u001f\u007f]+$/;

function isPlainSegment(segment: string): boolean {
  return segment !== "." && segment !== ".." && plainSegment.test(segment);
}

function splitId(id: string): string[] | undefined {
  if (!id.startsWith("/") || id.length > maxIdLength) return undefined;
  const segments = id.slice(1).split("/");
  return segments.every(isPlainSegment) ? segments : undefined;
}

/** ARM ids are far shorter; anything longer is not one. */
const maxIdLength = 1024;

function matchesShape(segments: string[], names: readonly string[]): boolean {
  // Names sit at even positions; a value follows each name except "providers".
  if (segments.length !== names.length * 2) return false;
  return names.every((name, index) => segments[index * 2]?.toLowerCase() === name);
}

const hostPoolShape = ["subscriptions", "resourcegroups", "providers", "hostpools"] as const;
const userSessionShape = [...hostPoolShape, "sessionhosts", "usersessions"] as const;

function hostPoolFrom(segments: string[]): HostPoolRef | undefined {
  const [, subscriptionId, , resourceGroup, , providerName, , hostPool] = segments;
  if (providerName?.toLowerCase() !== provider) return undefined;
  if (subscriptionId === undefined || resourceGroup === undefined || hostPool === undefined) return undefined;
  return { subscriptionId, resourceGroup, hostPool };
}

export function parseHostPoolId(id: string): HostPoolRef | undefined {
  const segments = splitId(id);
  if (segments === undefined || !matchesShape(segments, hostPoolShape)) return undefined;
  return hostPoolFrom(segments);
}

export function parseUserSessionId(id: string): UserSessionRef | undefined {
  const segments = splitId(id);
  if (segments === undefined || !matchesShape(segments, userSessionShape)) return undefined;
  const hostPool = hostPoolFrom(segments);
  const sessionHost = segments[9];
  const sessionId = segments[11];
  if (hostPool === undefined || sessionHost === undefined || sessionId === undefined) return undefined;
  return { ...hostPool, sessionHost, sessionId };
}

const userSessionActions = new Set(["disconnect", "sendmessage"]);

/**
 * Whether a request path (as sent, percent-encoded) addresses exactly one user session, or one of
 * its disconnect/sendMessage actions: the only resources the app may change.
 */
export function isUserSessionActionPath(pathname: string): boolean {
  let segments: string[];
  try {
    segments = pathname.split("/").map(decodeURIComponent);
  } catch {
    return false;
  }
  const [first, ...rest] = segments;
  if (first !== "" || rest.length === 0) return false;
  const last = rest[rest.length - 1]!.toLowerCase();
  const sessionSegments =
    rest.length === userSessionShape.length * 2 + 1 && userSessionActions.has(last) ? rest.slice(0, -1) : rest;
  return parseUserSessionId(`/${sessionSegments.join("/")}`) !== undefined;
}

/**
 * The subscription an ARM request URL addresses, lower-cased, as ARM reads it: from the path after
 * URL normalisation (`..` and `%2e%2e` resolved), its segment name in any case, its value decoded.
 * Undefined when the URL is not absolute, or its path does not start with `/subscriptions/{id}`.
 */
export function subscriptionOfUrl(url: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  return subscriptionOfPath(pathname);
}

/** `subscriptionOfUrl` for a path URL parsing has already normalised. */
export function subscriptionOfPath(pathname: string): string | undefined {
  const [empty, name, value] = pathname.split("/", 3);
  if (empty !== "" || name?.toLowerCase() !== "subscriptions" || value === undefined || value === "") return undefined;
  try {
    return decodeURIComponent(value).toLowerCase();
  } catch {
    return undefined;
  }
}

/** ARM treats names as case-insensitive, so two refs to one host pool may differ in case. */
export function sameHostPool(a: HostPoolRef, b: HostPoolRef): boolean {
  return (
    a.subscriptionId.toLowerCase() === b.subscriptionId.toLowerCase() &&
    a.resourceGroup.toLowerCase() === b.resourceGroup.toLowerCase() &&
    a.hostPool.toLowerCase() === b.hostPool.toLowerCase()
  );
}
