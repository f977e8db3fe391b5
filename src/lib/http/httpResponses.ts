import type { HttpResponseInit } from "@azure/functions";
import type { ConfigurationError } from "../config/configurationError";
import type { FieldError } from "./fieldErrors";
import type { SignOutReport, SignOutStatus } from "../engine/report";
import type { ErrorBody } from "./errorBody";
import type { BodyProblem } from "./readJsonBody";

/** The one place where outcomes and errors become HTTP. */
const jsonHeaders = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

export type { ErrorBody } from "./errorBody";

function json(
  status: number,
  body: ErrorBody | SignOutReport | object,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return { status, headers: { ...jsonHeaders, ...headers }, jsonBody: body };
}

export function badBodyResponse(problem: BodyProblem, operationId: string): HttpResponseInit {
  const status = problem.code === "BodyTooLarge" ? 413 : 400;
  return json(status, {
    error: {
      code: problem.code,
      message: problem.message,
      operationId,
      details:
        problem.code === "DuplicateKey"
          ? problem.fields.map((field) => ({
              field,
              code: "duplicate_key",
              message: "is given more than once; give each key once",
            }))
          : [{ field: "", code: problem.code, message: problem.message }],
    },
  });
}

export function validationFailedResponse(details: readonly FieldError[], operationId: string): HttpResponseInit {
  const fields = [...new Set(details.map((detail) => detail.field || "(body)"))];
  return json(400, {
    error: {
      code: "ValidationError",
      message: `The request is invalid: ${fields.join(", ")}.`,
      operationId,
      details: [...details],
    },
  });
}

/** App Service Authentication let the caller in, but without the app role this function requires. */
export function callerNotAuthorizedResponse(
  requiredRole: string,
  hasPrincipal: boolean,
  operationId: string,
): HttpResponseInit {
  return json(403, {
    error: {
      code: "CallerNotAuthorized",
      message: hasPrincipal
        ? `The caller lacks the app role ${requiredRole} this function requires.`
        : `The request carries no authenticated caller; the app role ${requiredRole} is required.`,
      operationId,
    },
  });
}

/**
 * The request names accounts no request may act on (AVD_PROTECTED_USERS). The whole request is
 * refused, so that nothing half-happens; each protected account it named is listed.
 */
export function protectedAccountResponse(
  named: readonly { readonly field: string; readonly account: string }[],
  operationId: string,
): HttpResponseInit {
  const accounts = named.map((entry) => entry.account);
  return json(403, {
    error: {
      code: "ProtectedAccount",
      message: `The request names ${accounts.length === 1 ? "a protected account" : `${accounts.length} protected accounts`} (${accounts.join(", ")}); no request may sign out, disconnect or message a protected account, so nothing was done. A dry run may still look.`,
      operationId,
      details: named.map(({ field, account }) => ({
        field,
        code: "protected_account",
        message: `${account} is a protected account (AVD_PROTECTED_USERS)`,
      })),
    },
  });
}

/** The API description; it changes with the deployment, so it may be cached only briefly. */
export function openApiDocumentResponse(document: object): HttpResponseInit {
  return {
    status: 200,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "private, max-age=300" },
    jsonBody: document,
  };
}

export function configurationErrorResponse(error: ConfigurationError, operationId: string): HttpResponseInit {
  return json(500, { error: { code: error.code, message: error.message, setting: error.setting, operationId } });
}

export function internalErrorResponse(operationId: string): HttpResponseInit {
  return json(500, {
    error: {
      code: "InternalError",
      message: "The sign-out failed unexpectedly; search the logs for the operation id.",
      operationId,
    },
  });
}

const statusByOutcome: Readonly<Record<SignOutStatus, number>> = {
  completed: 200,
  failed: 502,
  deadlineExceeded: 504,
};

export function reportResponse(report: SignOutReport): HttpResponseInit {
  return json(statusByOutcome[report.status], report);
}

/** The operation runs on; poll `Location` (absolute, self-authorising) after `Retry-After` seconds. */
export function operationAcceptedResponse(
  statusUrl: string,
  retryAfterSeconds: number,
  body: object,
  preferenceApplied: boolean,
): HttpResponseInit {
  return json(202, body, {
    location: statusUrl,
    "retry-after": String(retryAfterSeconds),
    ...(preferenceApplied ? { "preference-applied": "respond-async" } : {}),
  });
}

/** Storage could not take the job: nothing was queued, and trying again later is the remedy. */
export function serviceUnavailableResponse(
  code: string,
  message: string,
  retryAfterSeconds: number,
  operationId: string,
): HttpResponseInit {
  return json(503, { error: { code, message, operationId } }, { "retry-after": String(retryAfterSeconds) });
}

/** Unknown id, wrong token or expired record alike: the answer never says which. */
export function operationNotFoundResponse(invocationId: string): HttpResponseInit {
  return json(404, {
    error: {
      code: "OperationNotFound",
      operationId: invocationId,
      message:
        "No such operation, or its status URL has expired. Status URLs are used exactly as they were handed out.",
    },
  });
}

/** A page of an operation's sessions: always 200 (the report itself carries the status). */
export function operationPageResponse(page: object): HttpResponseInit {
  return json(200, page);
}

/** The final report of an asynchronous operation, under the synchronous status policy. */
export function operationReportResponse(report: { status: SignOutStatus; operation: object }): HttpResponseInit {
  return json(statusByOutcome[report.status], report);
}
