import { userSessionJson } from "../armResourceJson";
import type { EmulatorEngine } from "../emulatorEngine";
import type { HostPoolRecord, SessionHostRecord } from "../emulatorWorld";
import { parseSessionFilter } from "../parseSessionFilter";
import { armError, type ArmReply } from "./armReply";
import { queryValue, type ArmRequest } from "./armRequest";
import { listPage } from "./listPage";
import { listedSessions } from "./listingLag";

/** `listUserSessions`: the host pool's sessions across its session hosts, with `$filter` and paging. */
export function listUserSessions(engine: EmulatorEngine, context: ArmRequest, pool: HostPoolRecord): ArmReply {
  const filterText = queryValue(context.url, "$filter");
  const nowMs = engine.now();
  let rows = pool.sessionHosts.flatMap((host) => listedSessions(host, nowMs).map((listed) => ({ host, ...listed })));
  if (filterText !== undefined && filterText.trim() !== "") {
    const filter = parseSessionFilter(filterText, engine.scenario.filterCaseSensitive);
    if (!filter.ok) return armError(400, "InvalidFilter", filter.message);
    if (!pool.ignoresFilter) {
      rows = rows.filter((row) =>
        filter.matches({ userPrincipalName: row.session.userPrincipalName, sessionState: row.sessionState }),
      );
    }
  }
  return listPage(
    context.request,
    context.url,
    rows,
    pool.sessionPageSize,
    (row) => userSessionJson(pool, row.host, row.session, row.sessionState),
    "null",
  );
}

/** `listSessionHostUserSessions`: one session host's sessions, paged. */
export function listSessionHostUserSessions(
  engine: EmulatorEngine,
  context: ArmRequest,
  pool: HostPoolRecord,
  host: SessionHostRecord,
): ArmReply {
  return listPage(
    context.request,
    context.url,
    listedSessions(host, engine.now()),
    pool.sessionPageSize,
    (listed) => userSessionJson(pool, host, listed.session, listed.sessionState),
    "null",
  );
}
