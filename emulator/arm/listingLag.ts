import type { SessionHostRecord, SessionRecord } from "../emulatorWorld";
import type { SessionState } from "../scenario";

/**
 * The service's listings may lag behind its actions (`listingLagMs`): a session logged off stays
 * listed, and a disconnected one keeps its old state in listings, for that long on the emulator's
 * clock. Actions and reads of one session (GET, DELETE, POST) always see the current state.
 */
export function removeSession(host: SessionHostRecord, index: number, nowMs: number, lagMs: number): void {
  const [session] = host.sessions.splice(index, 1);
  if (session !== undefined && lagMs > 0) host.departed.push({ session, untilMs: nowMs + lagMs });
}

export function setSessionState(
  session: SessionRecord,
  sessionState: SessionState,
  nowMs: number,
  lagMs: number,
): void {
  const listed = currentListedState(session, nowMs);
  if (lagMs > 0 && listed !== sessionState) session.listedState = { sessionState: listed, untilMs: nowMs + lagMs };
  session.sessionState = sessionState;
}

export interface ListedSession {
  readonly session: SessionRecord;
  /** The state a listing shows now, which may lag the session's own. */
  readonly sessionState: SessionState;
}

/** What a user-session listing shows of one session host now: its sessions, then the departed ones still shown. */
export function listedSessions(host: SessionHostRecord, nowMs: number): ListedSession[] {
  host.departed = host.departed.filter((departed) => departed.untilMs > nowMs);
  return [
    ...host.sessions.map((session) => ({ session, sessionState: currentListedState(session, nowMs) })),
    ...host.departed.map(({ session }) => ({ session, sessionState: currentListedState(session, nowMs) })),
  ];
}

function currentListedState(session: SessionRecord, nowMs: number): SessionState {
  if (session.listedState !== undefined && session.listedState.untilMs <= nowMs) session.listedState = undefined;
  return session.listedState?.sessionState ?? session.sessionState;
}
