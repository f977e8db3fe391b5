import type { z } from "zod";
import { requestLimits } from "./signOutRequest";
import { signOutReportSchema } from "../engine/signOutReport";
import { errorBodySchema } from "./errorBody";
import { maxBodyBytes } from "./readJsonBody";
import { toSwaggerSchema } from "./toSwaggerSchema";

export interface OpenApiDocumentOptions {
  /** The request schema in force (its limits follow the configuration). */
  readonly requestSchema: z.ZodType;
  /** `host[:port]` callers reach the app at; Power Automate needs it to import the document. */
  readonly host?: string;
}

/** Rules JSON Schema in Swagger 2.0 cannot state (no oneOf, no cross-field checks); the function enforces them. */
export const rulesOutsideTheSchema = [
  "Give exactly one of userPrincipalName and userPrincipalNames.",
  "gracePeriodSeconds above 0 needs notify.",
  "subscriptionIds must be among the subscriptions the function is configured for (AVD_SUBSCRIPTION_IDS).",
  "hostPools given as resource ids must lie in the subscriptions in scope.",
] as const;

const errorResponse = (description: string) => ({ description, schema: { $ref: "#/definitions/ErrorBody" } });
const reportResponse = (description: string) => ({ description, schema: { $ref: "#/definitions/SignOutReport" } });

/**
 * The OpenAPI 2.0 description of the endpoint (Power Automate and Logic Apps custom connectors
 * import 2.0 only), built from the zod schemas the function itself parses and answers with.
 */
export function buildOpenApiDocument(options: OpenApiDocumentOptions): Record<string, unknown> {
  const request = toSwaggerSchema(options.requestSchema, "input", "SignOutRequest");
  request.description = `Who to sign out, how and where. Also enforced: ${rulesOutsideTheSchema.join(" ")}`;
  return {
    swagger: "2.0",
    info: {
      title: "AVD user sign-out",
      version: "1.0.0",
      description:
        "Signs users out of (or disconnects them from) every Azure Virtual Desktop session in the configured subscriptions, optionally after a message and a grace period.",
    },
    ...(options.host === undefined ? {} : { host: options.host }),
    basePath: "/api",
    schemes: ["https"],
    consumes: ["application/json"],
    produces: ["application/json"],
    securityDefinitions: {
      functionKey: { type: "apiKey", in: "header", name: "x-functions-key", description: "A function key of the app." },
    },
    security: [{ functionKey: [] }],
    paths: {
      "/avd/user-signout": {
        post: {
          operationId: "SignOutUsers",
          summary: "Sign users out of Azure Virtual Desktop",
          description: `Finds every session of the users in scope and logs it off (or disconnects it). Idempotent: a retry finishes a partial run. Body at most ${maxBodyBytes} bytes, at most ${requestLimits.maxUsers} users.`,
          "x-ms-visibility": "important",
          parameters: [
            {
              in: "body",
              name: "body",
              required: true,
              "x-ms-summary": "Request",
              schema: { $ref: "#/definitions/SignOutRequest" },
            },
          ],
          responses: {
            "200": reportResponse("Every matching session was handled (or would be, in a dry run)."),
            "400": errorResponse("The body is not JSON or a field is invalid; details name each field."),
            "403": errorResponse("The caller lacks the app role REQUIRED_CALLER_ROLE names; nothing was touched."),
            "413": errorResponse("The body is too large."),
            "500": errorResponse("The function is misconfigured (setting names the app setting) or failed."),
            "502": reportResponse("An Azure call failed; the report says which. A retry finishes the job."),
            "504": reportResponse("The deadline came first; the report is partial. A retry finishes the job."),
          },
        },
      },
      "/openapi.json": {
        get: {
          operationId: "GetApiDescription",
          summary: "This API description",
          description: "Returns this OpenAPI 2.0 document, under the limits this deployment enforces.",
          "x-ms-visibility": "internal",
          responses: {
            "200": { description: "The OpenAPI 2.0 document.", schema: { type: "object" } },
            "500": errorResponse("The function is misconfigured."),
          },
        },
      },
    },
    definitions: {
      SignOutRequest: request,
      SignOutReport: toSwaggerSchema(signOutReportSchema, "output", "SignOutReport"),
      ErrorBody: toSwaggerSchema(errorBodySchema, "output", "ErrorBody"),
    },
  };
}
