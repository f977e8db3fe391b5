import type { ArmRouteMatch } from "../matchArmRoute";
import { armError, type ArmReply } from "./armReply";
import { queryValue } from "./armRequest";

export const supportedApiVersion = "2024-04-03";

/** The api-version stage: every ARM request names the one version the emulator serves. */
export function checkApiVersion(url: URL): ArmReply | undefined {
  const apiVersion = queryValue(url, "api-version");
  if (apiVersion === undefined) {
    return armError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }
  if (apiVersion !== supportedApiVersion) {
    return armError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${apiVersion}' is invalid. The supported versions are '${supportedApiVersion}'.`,
    );
  }
  return undefined;
}

/** ARM's answer to a path that names no operation the emulator serves, as its router words it. */
export function routeFailure(
  match: Exclude<ArmRouteMatch, { kind: "operation" }>,
  method: string,
  pathname: string,
): ArmReply {
  switch (match.kind) {
    case "none":
      return armError(404, "NotFound", `No HTTP resource was found that matches the request URI '${pathname}'.`);
    case "unknownProvider":
      return armError(
        404,
        "NoRegisteredProviderFound",
        `No registered resource provider found for location 'global' and API version '${supportedApiVersion}' for type '${match.resourceType}' in namespace '${match.namespace}'.`,
      );
    case "unknownType":
      return armError(
        404,
        "InvalidResourceType",
        `The resource type '${match.resourceType}' could not be found in the namespace 'Microsoft.DesktopVirtualization' for api version '${supportedApiVersion}'.`,
      );
    case "wrongMethod":
      return armError(405, "MethodNotAllowed", `The requested resource does not support http method '${method}'.`, {
        allow: match.allowed.join(", "),
      });
  }
}
