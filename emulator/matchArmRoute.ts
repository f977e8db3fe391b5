import type { ArmOperation } from "./scenario";

export interface ArmRouteParams {
  readonly subscriptionId: string;
  readonly resourceGroup?: string;
  readonly hostPool?: string;
  readonly sessionHost?: string;
  readonly sessionId?: string;
}

export type ArmRouteMatch =
  | { readonly kind: "operation"; readonly operation: ArmOperation; readonly params: ArmRouteParams }
  | { readonly kind: "wrongMethod"; readonly allowed: readonly string[] }
  | { readonly kind: "unknownType"; readonly subscriptionId: string | undefined; readonly resourceType: string }
  | {
      readonly kind: "unknownProvider";
      readonly subscriptionId: string | undefined;
      readonly namespace: string;
      readonly resourceType: string;
    }
  | { readonly kind: "none" };

interface RouteDefinition {
  readonly method: string;
  readonly operation: ArmOperation;
  readonly segments: readonly string[];
}

const hostPool =
  "subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DesktopVirtualization/hostPools/{hostPool}";
const userSession = `${hostPool}/sessionHosts/{sessionHost}/userSessions/{sessionId}`;

const routes: readonly RouteDefinition[] = [
  route("GET", "listHostPools", "subscriptions/{subscriptionId}/providers/Microsoft.DesktopVirtualization/hostPools"),
  route("GET", "listUserSessions", `${hostPool}/userSessions`),
  route("GET", "listSessionHosts", `${hostPool}/sessionHosts`),
  route("GET", "listSessionHostUserSessions", `${hostPool}/sessionHosts/{sessionHost}/userSessions`),
  route("GET", "getUserSession", userSession),
  route("DELETE", "deleteUserSession", userSession),
  route("POST", "disconnectUserSession", `${userSession}/disconnect`),
  route("POST", "sendMessage", `${userSession}/sendMessage`),
];

function route(method: string, operation: ArmOperation, template: string): RouteDefinition {
  return { method, operation, segments: template.split("/") };
}

/** Matches an ARM path; literal segment names compare case-insensitively as ARM's do, values keep their case. */
export function matchArmRoute(method: string, pathname: string): ArmRouteMatch {
  let segments: string[];
  try {
    segments = pathname
      .replace(/^\/+|(?<!\/)\/+$/g, "")
      .split("/")
      .map(decodeURIComponent);
  } catch {
    return { kind: "none" };
  }
  const allowed: string[] = [];
  for (const candidate of routes) {
    const params = bind(candidate.segments, segments);
    if (params === undefined) continue;
    if (candidate.method === method.toUpperCase()) {
      return { kind: "operation", operation: candidate.operation, params };
    }
    allowed.push(candidate.method);
  }
  if (allowed.length > 0) return { kind: "wrongMethod", allowed };
  const providerAt = segments.findIndex((segment) => segment.toLowerCase() === "providers");
  const namespace = providerAt >= 0 ? segments[providerAt + 1] : undefined;
  if (namespace === undefined || namespace === "") return { kind: "none" };
  const resourceType = segments
    .slice(providerAt + 2)
    .filter((_, index) => index % 2 === 0)
    .join("/");
  const subscriptionId = segments[0]?.toLowerCase() === "subscriptions" ? segments[1] : undefined;
  if (namespace.toLowerCase() === "microsoft.desktopvirtualization") {
    return { kind: "unknownType", subscriptionId, resourceType };
  }
  // Only one resource provider is registered in the emulator's ARM: every other namespace is unknown.
  return { kind: "unknownProvider", subscriptionId, namespace, resourceType };
}

function bind(template: readonly string[], actual: readonly string[]): ArmRouteParams | undefined {
  if (template.length !== actual.length) return undefined;
  const values: Record<string, string> = {};
  for (let i = 0; i < template.length; i += 1) {
    const expected = template[i] as string;
    const segment = actual[i] as string;
    if (expected.startsWith("{")) {
      if (segment === "") return undefined;
      values[expected.slice(1, -1)] = segment;
    } else if (expected.toLowerCase() !== segment.toLowerCase()) {
      return undefined;
    }
  }
  return values as unknown as ArmRouteParams;
}
