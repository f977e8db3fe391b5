import type { EmulatorEngine } from "../emulatorEngine";
import type { SubscriptionRecord } from "../emulatorWorld";
import type { ArmOperation } from "../scenario";
import { armError, type ArmReply } from "./armReply";
import type { ArmRequest } from "./armRequest";
import { principalOf } from "./authenticateArmRequest";
import { findSubscription } from "./findArmResources";

/** The RBAC action each operation needs, quoted in 403 messages as ARM does. */
const actions: Record<ArmOperation, string> = {
  listHostPools: "Microsoft.DesktopVirtualization/hostpools/read",
  listUserSessions: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/read",
  listSessionHosts: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/read",
  listSessionHostUserSessions: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/read",
  getUserSession: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/read",
  deleteUserSession: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/delete",
  disconnectUserSession: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/disconnect/action",
  sendMessage: "Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/sendMessage/action",
};

/**
 * The subscription stage: 404 for a subscription the world does not hold, 403 naming the RBAC
 * action for one the principal has no role in.
 */
export function authorizeSubscription(
  engine: EmulatorEngine,
  context: ArmRequest,
  operation: ArmOperation,
  subscriptionId: string,
): { readonly subscription: SubscriptionRecord } | { readonly error: ArmReply } {
  const subscription = findSubscription(engine, subscriptionId);
  if (subscription === undefined) {
    return {
      error: armError(404, "SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`),
    };
  }
  if (subscription.forbidden) {
    const scope = context.url.pathname.replace(/\/(?:disconnect|sendMessage)$/i, "");
    const principal = principalOf(context.request);
    return {
      error: armError(
        403,
        "AuthorizationFailed",
        `The client '${principal}' with object id '${principal}' does not have authorization to perform action '${actions[operation]}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      ),
    };
  }
  return { subscription };
}
