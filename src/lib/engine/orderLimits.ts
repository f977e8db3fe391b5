/**
 * What one order may hold. The request schema enforces these; the asynchronous job store is sized
 * from them (a chunk, a spec and a message fit Azure Storage's limits by construction).
 */
export const orderLimits = Object.freeze({
  maxUsers: 100,
  maxSubscriptionIds: 100,
  maxHostPools: 100,
  maxNotifyTitleLength: 100,
  maxNotifyMessageLength: 1000,
  maxRequestedByLength: 256,
  maxReasonLength: 500,
  /** The grace period never exceeds this, whatever the deadline. */
  maxGracePeriodSeconds: 60,
  /** Deadline left for listing and acting after the grace period. */
  gracePeriodReserveSeconds: 30,
  /** Asynchronous requests (`Prefer: respond-async` or `"async": true`) may name this many users. */
  maxAsyncUsers: 10_000,
});
