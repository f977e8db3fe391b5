import type { ConfigurationError } from "../config/configurationError";
import type { Result } from "../base/result";
import { signOutRequestSchemaFor } from "./signOutRequestSchemaFor";
import { configurationErrorResponse, internalErrorResponse, openApiDocumentResponse } from "./httpResponses";
import { buildOpenApiDocument } from "./openApiDocument";
import { toConnectorDefinition } from "./connectorDefinition";
import type { HttpHandler } from "./userSignoutHandler";
import type { UserSignoutRuntime } from "./userSignoutRuntime";

export interface OpenApiHandlerDependencies {
  readonly loadRuntime: () => Result<UserSignoutRuntime, ConfigurationError>;
}

/** GET /api/openapi.json: the description of the endpoint under the limits this deployment enforces. */
export function createOpenApiHandler(dependencies: OpenApiHandlerDependencies): HttpHandler {
  return (request, context) => {
    const operationId = context.invocationId;
    try {
      const runtime = dependencies.loadRuntime();
      if (!runtime.ok) {
        context.error(JSON.stringify({ event: "openApi.configurationError", operationId, ...runtime.error }));
        return Promise.resolve(configurationErrorResponse(runtime.error, operationId));
      }
      // The connector's own description, so importing by URL gives what connector/ holds (plus this host).
      const document = toConnectorDefinition(
        buildOpenApiDocument({
          requestSchema: signOutRequestSchemaFor(runtime.value.config),
          host: new URL(request.url).host,
        }),
      );
      return Promise.resolve(openApiDocumentResponse(document));
    } catch (error) {
      context.error(JSON.stringify({ event: "openApi.internalError", operationId, error: String(error) }));
      return Promise.resolve(internalErrorResponse(operationId));
    }
  };
}
