import type { ThrottleBucketSettings } from "./scenario";

export type TakeResult =
  { readonly ok: true; readonly remaining: number } | { readonly ok: false; readonly retryAfterSeconds: number };

/** ARM-style token bucket: full at start, refilled continuously, one token per request. */
export class TokenBucket {
  private tokens: number;
  private updatedAtMs: number;

  constructor(
    private readonly settings: ThrottleBucketSettings,
    nowMs: number,
  ) {
    this.tokens = settings.capacity;
    this.updatedAtMs = nowMs;
  }

  take(nowMs: number): TakeResult {
    const elapsedSeconds = Math.max(0, nowMs - this.updatedAtMs) / 1000;
    this.tokens = Math.min(this.settings.capacity, this.tokens + elapsedSeconds * this.settings.refillPerSecond);
    this.updatedAtMs = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true, remaining: Math.floor(this.tokens) };
    }
    // Whole seconds, rounded up, never 0: a 0 would invite an immediate retry that fails again.
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - this.tokens) / this.settings.refillPerSecond));
    return { ok: false, retryAfterSeconds };
  }
}
