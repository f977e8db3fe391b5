import type { TokenCredential } from "@azure/core-auth";
import { DesktopVirtualizationAPIClient, type UserSession } from "@azure/arm-desktopvirtualization";
import type { TenantSize } from "./benchTenant";

export interface RunbookOptions {
  readonly credential: TokenCredential;
  readonly subscriptionIds: readonly string[];
  readonly userPrincipalName: string;
  readonly armEndpoint: string;
  readonly caCertificatePem: string;
}

/**
 * The PowerShell runbook's algorithm, for comparison only: subscriptions one after another; per
 * host pool its session hosts listed; per session host the whole pool's sessions listed again and
 * filtered on the client; then every collected session force-removed (repeats answer 404). Failed
 * listings read as "nothing found" and remove errors are ignored, as in the runbook.
 */
export async function runbookSignOut(options: RunbookOptions): Promise<void> {
  const wanted = options.userPrincipalName.toLowerCase();
  for (const subscriptionId of options.subscriptionIds) {
    const client = new DesktopVirtualizationAPIClient(options.credential, subscriptionId, {
      $host: options.armEndpoint,
      endpoint: options.armEndpoint,
      credentialScopes: ["https://management.azure.com/.default"],
      tlsOptions: { ca: options.caCertificatePem },
    });
    const hostPools = await listAll(() => client.hostPools.list());
    for (const hostPool of hostPools) {
      const resourceGroup = resourceGroupOf(hostPool.id ?? "");
      const name = hostPool.name ?? "";
      const sessionHosts = await listAll(() => client.sessionHosts.list(resourceGroup, name));
      const found: UserSession[] = [];
      for (let i = 0; i < sessionHosts.length; i++) {
        const sessions = await listAll(() => client.userSessions.listByHostPool(resourceGroup, name));
        found.push(...sessions.filter((session) => session.userPrincipalName?.toLowerCase() === wanted));
      }
      for (const session of found) {
        // The runbook splits the session's name `HostPool/SessionHost/Id`.
        const [, sessionHost = "", sessionId = ""] = (session.name ?? "").split("/");
        try {
          await client.userSessions.delete(resourceGroup, name, sessionHost, sessionId, { force: true });
        } catch {
          // Remove errors are never checked by the runbook.
        }
      }
    }
  }
}

/** Exact ARM calls of the runbook when nothing is paged: S + H + H·n listings, k·n removes. */
export function runbookCallCount(size: TenantSize): number {
  const hostPools = size.subscriptions * size.hostPoolsPerSubscription;
  return (
    size.subscriptions +
    hostPools +
    hostPools * size.sessionHostsPerPool +
    size.targetSessions * size.sessionHostsPerPool
  );
}

async function listAll<T>(list: () => AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  try {
    for await (const item of list()) items.push(item);
  } catch {
    // A failed listing reads as "none found" in the runbook.
  }
  return items;
}

function resourceGroupOf(resourceId: string): string {
  const segments = resourceId.split("/");
  const index = segments.findIndex((segment) => segment.toLowerCase() === "resourcegroups");
  return index >= 0 ? (segments[index + 1] ?? "") : "";
}
