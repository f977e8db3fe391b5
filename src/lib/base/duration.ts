/** The one place seconds and milliseconds meet: settings and requests speak seconds, the code milliseconds. */
export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

/** For reports: a duration in whole seconds. */
export function msToSeconds(ms: number): number {
  return Math.round(ms / 1000);
}

/** For delays the platform counts in whole seconds (queue visibility, Retry-After): never too early. */
export function msToSecondsAtLeast(ms: number): number {
  return Math.ceil(ms / 1000);
}
