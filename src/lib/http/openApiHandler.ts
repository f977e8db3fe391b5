import type { ConfigurationError } from "../config/configurationError";
import type { AppConfig } from "../config/appConfig";
import type { Result } from "../base/result";
import { signOutRequestSchemaFor } from "./signOutRequestSchemaFor";
import { openApiDocumentResponse } from "./httpResponses";
import { buildOpenApiDocument } from "./openApiDocument";
import { toConnectorDefinition } from "./connectorDefinition";
import { withRuntime, type HttpHandler } from "./withRuntime";

/** GET /api/openapi.json: the description of the endpoint under the limits this deployment enforces. */
export function createOpenApiHandler(
  loadRuntime: () => Result<{ readonly config: AppConfig }, ConfigurationError>,
): HttpHandler {
  return withRuntime("openApi", loadRuntime, (runtime, request) =>
    // The connector's own description, so importing by URL gives what connector/ holds (plus this host).
    Promise.resolve(
      openApiDocumentResponse(
        toConnectorDefinition(
          buildOpenApiDocument({
            requestSchema: signOutRequestSchemaFor(runtime.config),
            host: new URL(request.url).host,
            ...(runtime.config.requiredCallerRole === undefined
              ? {}
              : { entraAuthentication: { requiredCallerRole: runtime.config.requiredCallerRole } }),
          }),
        ),
      ),
    ),
  );
}
