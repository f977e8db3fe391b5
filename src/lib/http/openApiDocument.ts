import type { z } from "zod";
import { requestLimits } from "./signOutRequest";
import { signOutReportSchema } from "../engine/report";
import { errorBodySchema } from "./errorBody";
import { maxAsyncBodyBytes, maxBodyBytes } from "./readJsonBody";
import { operationProgressSchema, operationReportSchema, operationSessionsPageSchema } from "./operationBodies";
import { toSwaggerSchema } from "./toSwaggerSchema";

export interface OpenApiDocumentOptions {
  /** The request schema in force (its limits follow the configuration). */
  readonly requestSchema: z.ZodType;
  /** `host[:port]` callers reach the app at; Power Automate needs it to import the document. */
  readonly host?: string;
  /**
   * Set when the deployment requires a caller role (REQUIRED_CALLER_ROLE, App Service
   * Authentication on): the sign-out then also needs a Microsoft Entra token, described as an
   * OAuth 2.0 security definition. The role is named when known.
   */
  readonly entraAuthentication?: { readonly requiredCallerRole?: string | undefined } | undefined;
}

/** The name of the OAuth 2.0 security definition for a Microsoft Entra token. */
export const entraTokenSecurityDefinition = "entraToken";

function entraTokenScheme(requiredCallerRole: string | undefined): Record<string, unknown> {
  const role =
    requiredCallerRole === undefined ? "REQUIRED_CALLER_ROLE" : `REQUIRED_CALLER_ROLE: ${requiredCallerRole}`;
  return {
    type: "oauth2",
    flow: "accessCode",
    authorizationUrl: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    tokenUrl: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    scopes: {},
    description: `A Microsoft Entra ID access token for the function app's app registration (audience api:// followed by its client id, AVD_AUTH_CLIENT_ID), whose roles claim holds the app role the deployment requires (${role}); App Service Authentication validates it, the function answers 403 without the role. Services use a managed identity or client credentials. Sent with the function key; the status URL needs neither.`,
  };
}

/** Rules JSON Schema in Swagger 2.0 cannot state (no oneOf, no cross-field checks); the function enforces them. */
export const rulesOutsideTheSchema = [
  "Name the user(s) one way: userPrincipalName and/or userObjectId for one user, or userPrincipalNames, or users (each entry with userPrincipalName and/or objectId).",
  "An object id is never the all-zero id (00000000-0000-0000-0000-000000000000), which names nobody.",
  "gracePeriodSeconds above 0 needs notify.",
  "subscriptionIds must be among the subscriptions the function is configured for (AVD_SUBSCRIPTION_IDS).",
  "hostPools given as resource ids must lie in the subscriptions in scope.",
] as const;

const errorResponse = (description: string) => ({ description, schema: { $ref: "#/definitions/ErrorBody" } });
const reportResponse = (description: string) => ({ description, schema: { $ref: "#/definitions/SignOutReport" } });
const operationReportResponse = (description: string) => ({
  description,
  schema: { $ref: "#/definitions/OperationReport" },
});
const progressResponse = (description: string) => ({
  description,
  headers: {
    Location: {
      type: "string",
      description:
        "Absolute status URL with its own token (no function key needed): poll it until it answers something other than 202.",
    },
    "Retry-After": { type: "integer", description: "Seconds to wait before the next poll." },
  },
  schema: { $ref: "#/definitions/OperationProgress" },
});

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
      ...(options.entraAuthentication === undefined
        ? {}
        : { [entraTokenSecurityDefinition]: entraTokenScheme(options.entraAuthentication.requiredCallerRole) }),
    },
    security: [{ functionKey: [] }],
    paths: {
      "/avd/user-signout": {
        post: {
          operationId: "SignOutUsers",
          summary: "Sign users out of Azure Virtual Desktop",
          description: `Finds every session of the users in scope and logs it off (or disconnects it). Idempotent: a retry finishes a partial run. Synchronous: body at most ${maxBodyBytes} bytes, at most ${requestLimits.maxUsers} users, grace period within the request deadline. Asynchronous (header Prefer: respond-async, or "async": true): answers 202 at once with a status URL in Location; body at most ${maxAsyncBodyBytes} bytes (with the header), at most ${requestLimits.maxAsyncUsers} users, grace period up to AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS.`,
          "x-ms-visibility": "important",
          // Both: the function key (the Functions host) and the Entra token (the caller's role).
          ...(options.entraAuthentication === undefined
            ? {}
            : { security: [{ functionKey: [], [entraTokenSecurityDefinition]: [] }] }),
          parameters: [
            {
              in: "header",
              name: "Prefer",
              required: false,
              type: "string",
              enum: ["respond-async"],
              "x-ms-summary": "Prefer",
              description: "respond-async: answer 202 with a status URL and do the work in the background (RFC 7240).",
            },
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
            "202": progressResponse("Asynchronous request accepted and queued; poll Location."),
            "400": errorResponse("The body is not JSON or a field is invalid; details name each field."),
            "403": errorResponse(
              "Refused; nothing was touched or queued. CallerNotAuthorized: the caller lacks the app role REQUIRED_CALLER_ROLE names. ProtectedAccount: the request would sign out, disconnect or message an account of AVD_PROTECTED_USERS (details name each one; a dry run may still look).",
            ),
            "413": errorResponse("The body is too large."),
            "500": errorResponse("The function is misconfigured (setting names the app setting) or failed."),
            "503": errorResponse(
              "Asynchronous request: Storage could not record or queue the job; nothing was queued. Retry after Retry-After.",
            ),
            "502": reportResponse(
              "An Azure call failed, or (with verify) a session the service answered as signed out was still listed when the verification window closed (outcome stillPresent); the report says which. A retry finishes the job.",
            ),
            "504": reportResponse("The deadline came first; the report is partial. A retry finishes the job."),
          },
        },
      },
      "/avd/user-signout/operations/{operationId}": {
        get: {
          operationId: "GetSignOutOperation",
          summary: "Status of an asynchronous sign-out",
          description:
            "The Location of a 202. Protected by the token in its query string (a random 256-bit value for this one operation, valid as long as the record: AVD_OPERATION_RETENTION_DAYS), not by a function key. 202 while work remains; then the report under the synchronous status policy.",
          "x-ms-visibility": "internal",
          security: [],
          parameters: [
            { in: "path", name: "operationId", required: true, type: "string", "x-ms-summary": "Operation id" },
            { in: "query", name: "token", required: true, type: "string", "x-ms-summary": "Status token" },
            {
              in: "query",
              name: "detail",
              required: false,
              type: "string",
              enum: ["full", "sessions"],
              "x-ms-summary": "Detail",
              "x-ms-visibility": "advanced",
              description:
                "full: every session, however large the operation. sessions: one page of sessions (page=N, one chunk of up to 200 users per page). Without it, operations of more than 100 users answer compactly.",
            },
            {
              in: "query",
              name: "page",
              required: false,
              type: "integer",
              minimum: 0,
              "x-ms-summary": "Page",
              "x-ms-visibility": "advanced",
            },
          ],
          responses: {
            "200": operationReportResponse(
              "The operation completed: every matching session was handled. With detail=sessions: one page of sessions (definition OperationSessionsPage), whatever the operation's status.",
            ),
            "202": progressResponse(
              "Work remains (queued, notifying, waiting out the grace period, signing out), or the record cannot be read just now (phase storageUnavailable): keep polling.",
            ),
            "404": errorResponse("No such operation, a wrong token, or the record expired."),
            "500": errorResponse("The function is misconfigured (setting names the app setting) or failed."),
            "502": operationReportResponse(
              "Something failed: an Azure call (see errors) or a message that failed 5 times (see operation.failures).",
            ),
            "504": operationReportResponse("The job deadline (AVD_JOB_DEADLINE_SECONDS) passed before it finished."),
          },
        },
      },
      "/openapi.json": {
        get: {
          operationId: "GetApiDescription",
          summary: "This API description",
          description: "Returns this OpenAPI 2.0 document, under the limits this deployment enforces.",
          "x-ms-visibility": "internal",
          // The function key alone, also with authentication on: an import from the URL sends no token.
          security: [{ functionKey: [] }],
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
      OperationProgress: toSwaggerSchema(operationProgressSchema, "output", "OperationProgress"),
      OperationReport: toSwaggerSchema(operationReportSchema, "output", "OperationReport"),
      // Answered instead of the report with ?detail=sessions (OpenAPI 2.0 has one schema per status).
      OperationSessionsPage: toSwaggerSchema(operationSessionsPageSchema, "output", "OperationSessionsPage"),
    },
  };
}
