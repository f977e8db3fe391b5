import { userSessionJson } from "../armResourceJson";
import type { EmulatorEngine } from "../emulatorEngine";
import type { HostPoolRecord, SessionHostRecord } from "../emulatorWorld";
import { parseSessionFilter } from "../parseSessionFilter";
import { armError, type ArmReply } from "./armReply";
import { queryValue, type ArmRequest } from "./armRequest";
import { listPage } from "./listPage";

/** `listUserSessions`: the host pool's sessions across its session hosts, with `$filter` and paging. */
export function listUserSessions(engine: EmulatorEngine, context: ArmRequest, pool: HostPoolRecord): ArmReply {
  const filterText = queryValue(context.url, "$filter");
  let rows = pool.sessionHosts.flatMap((host) => host.sessions.map((session) => ({ host, session })));
  if (filterText !== undefined && filterText.trim() !== "") {
    const filter = parseSessionFilter(filterText, engine.scenario.filterCaseSensitive);
    if (!filter.ok) return armError(400, "InvalidFilter", filter.message);
    if (!pool.ignoresFilter) rows = rows.filter((row) => filter.matches(row.session));
  }
  return listPage(
    context.request,
    context.url,
    rows,
    pool.sessionPageSize,
    (row) => userSessionJson(pool, row.host, row.session),
    "null",
  );
}

/** `listSessionHostUserSessions`: one session host's sessions, paged. */
export function listSessionHostUserSessions(
  context: ArmRequest,
  pool: HostPoolRecord,
  host: SessionHostRecord,
): ArmReply {
  return listPage(
    context.request,
    context.url,
    host.sessions,
    pool.sessionPageSize,
    (session) => userSessionJson(pool, host, session),
    "null",
  );
}
