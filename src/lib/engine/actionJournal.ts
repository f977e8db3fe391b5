import type { MatchedSession } from "./matchSessions";
import type { SessionResult } from "./report/signOutReport";

/**
 * Where an asynchronous job records, durably, what it is about to do and what it did, so that a
 * delivery after a crash can tell a session it removed from one that was never there. The engine
 * knows only this interface; the jobs layer backs it with Table storage.
 */
export interface ActionJournal {
  /**
   * Before the first write (message, disconnect, delete) on these sessions of one host pool.
   * Resolves once the intent is durable; a rejection leaves the sessions untouched.
   */
  beforeActing(sessions: readonly MatchedSession[]): Promise<void>;
  /** The outcomes of one host pool's sessions, dry runs included, once all of them have landed. */
  afterActing(results: readonly SessionResult[]): Promise<void>;
}
