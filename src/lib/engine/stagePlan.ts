import type { SignOutOrder, SignOutStage } from "./signOutOrder";

type Planned = Pick<SignOutOrder, "notify" | "gracePeriodMs" | "dryRun">;

/**
 * The one rule for whether the message goes out on its own first: only a real message with a
 * grace period to wait out. A dry run sends nothing, and a message without a wait goes with the act.
 */
export function notifiesFirst(order: Planned): boolean {
  return order.notify !== undefined && order.gracePeriodMs > 0 && !order.dryRun;
}

/**
 * The stages an asynchronous job runs, in order: `notify` then `act` (the grace period is the act
 * message's delay), or `all` in one go.
 */
export function stagesFor(order: Planned): readonly SignOutStage[] {
  return notifiesFirst(order) ? ["notify", "act"] : ["all"];
}
