import { stableGuid, type HostPoolRecord, type SessionHostRecord, type SessionRecord } from "./emulatorWorld";

const provider = "Microsoft.DesktopVirtualization";

/**
 * Resource representations shaped like the 2024-04-03 REST examples. Ids, names and types follow the
 * host pool's id style: `live` writes lower-case segment names (in ids and in `type`, e.g.
 * `Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions`) and `HP/host/n` names as the
 * recorded service does, `spec` the camelCase segments and bare names of the examples.
 */
export function hostPoolJson(pool: HostPoolRecord): object {
  return {
    id: hostPoolId(pool),
    name: pool.name,
    type: resourceType(pool, ["hostPools"]),
    location: pool.location,
    tags: {},
    systemData: systemData(),
    properties: {
      objectId: stableGuid(`pool:${hostPoolId(pool).toLowerCase()}`),
      friendlyName: pool.friendlyName ?? pool.name,
      description: `Host pool ${pool.name}`,
      hostPoolType: pool.hostPoolType,
      personalDesktopAssignmentType: pool.hostPoolType === "Personal" ? "Automatic" : null,
      customRdpProperty: null,
      maxSessionLimit: 999999,
      loadBalancerType: pool.loadBalancerType,
      validationEnvironment: false,
      ring: null,
      preferredAppGroupType: "Desktop",
      startVMOnConnect: false,
      cloudPcResource: false,
      publicNetworkAccess: "Enabled",
      applicationGroupReferences: [],
    },
  };
}

export function sessionHostJson(pool: HostPoolRecord, host: SessionHostRecord): object {
  const live = pool.idStyle === "live";
  const vmName = host.name.split(".")[0] ?? host.name;
  return {
    id: sessionHostId(pool, host),
    name: live ? `${pool.name}/${host.name}` : host.name,
    type: resourceType(pool, ["hostPools", "sessionHosts"]),
    systemData: systemData(),
    properties: {
      objectId: stableGuid(`host:${sessionHostId(pool, host).toLowerCase()}`),
      lastHeartBeat: "2025-01-06T08:00:00.0000000Z",
      sessions: host.sessions.length,
      agentVersion: "1.0.9742.2000",
      allowNewSession: host.allowNewSession,
      assignedUser: null,
      status: host.status,
      statusTimestamp: "2025-01-06T08:00:00.0000000Z",
      osVersion: "10.0.22631",
      sxSStackVersion: "rdp-sxs240826002",
      updateState: "Succeeded",
      lastUpdateTime: "2025-01-06T08:00:00.0000000Z",
      updateErrorMessage: "",
      virtualMachineId: stableGuid(`vm:${host.name.toLowerCase()}`),
      resourceId: `/subscriptions/${pool.subscriptionId}/resourceGroups/${pool.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${vmName}`,
      sessionHostHealthCheckResults: [],
    },
  };
}

export function userSessionJson(
  pool: HostPoolRecord,
  host: SessionHostRecord,
  session: SessionRecord,
  sessionState: string = session.sessionState,
): object {
  const live = pool.idStyle === "live";
  return {
    id: userSessionId(pool, host, session),
    name: live ? `${pool.name}/${host.name}/${session.id}` : session.id,
    type: resourceType(pool, ["hostPools", "sessionHosts", "userSessions"]),
    systemData: { createdAt: session.createTime },
    properties: {
      objectId: session.objectId,
      userPrincipalName: session.userPrincipalName,
      applicationType: session.applicationType,
      sessionState,
      activeDirectoryUserName: session.activeDirectoryUserName,
      createTime: session.createTime,
    },
  };
}

export function hostPoolId(pool: HostPoolRecord): string {
  const live = pool.idStyle === "live";
  return `/subscriptions/${pool.subscriptionId}/${live ? "resourcegroups" : "resourceGroups"}/${pool.resourceGroup}/providers/${provider}/${live ? "hostpools" : "hostPools"}/${pool.name}`;
}

export function sessionHostId(pool: HostPoolRecord, host: SessionHostRecord): string {
  return `${hostPoolId(pool)}/${pool.idStyle === "live" ? "sessionhosts" : "sessionHosts"}/${host.name}`;
}

export function userSessionId(pool: HostPoolRecord, host: SessionHostRecord, session: SessionRecord): string {
  return `${sessionHostId(pool, host)}/${pool.idStyle === "live" ? "usersessions" : "userSessions"}/${session.id}`;
}

function resourceType(pool: HostPoolRecord, segments: readonly string[]): string {
  const names = pool.idStyle === "live" ? segments.map((segment) => segment.toLowerCase()) : segments;
  return [provider, ...names].join("/");
}

function systemData(): object {
  return {
    createdBy: "admin@contoso.com",
    createdByType: "User",
    createdAt: "2024-11-04T09:30:00.0000000Z",
    lastModifiedBy: "admin@contoso.com",
    lastModifiedByType: "User",
    lastModifiedAt: "2024-11-04T09:30:00.0000000Z",
  };
}
