/** Counts as a report states them, keyed by name. */
export type Counts = Record<string, number>;

/**
 * What a report's counts should say of the sessions it lists, counted here independently of the
 * app's own counting: by outcome, and verified.
 */
export function countsOf(sessions: readonly { outcome: string; verified?: boolean | undefined }[]): Counts {
  const count = (outcome: string): number => sessions.filter((session) => session.outcome === outcome).length;
  return {
    sessionsFound: sessions.length,
    signedOut: count("signedOut"),
    alreadyGone: count("alreadyGone"),
    failed: count("failed"),
    deadlineExceeded: count("deadlineExceeded"),
    stillPresent: count("stillPresent"),
    verified: sessions.filter((session) => session.verified === true).length,
  };
}

/** The counts named in `like`, a missing one read as 0 (a compact answer leaves zeros out). */
export function pick(counts: Counts, like: Counts): Counts {
  return Object.fromEntries(Object.keys(like).map((key) => [key, counts[key] ?? 0]));
}
