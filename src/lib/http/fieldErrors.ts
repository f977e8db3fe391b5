import type { z } from "zod";

/** One problem with the caller's input, in the stable shape of the 400 body. */
export interface FieldError {
  /** Dotted path of the field, or "" for the body itself. */
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join(".");
}

/**
 * Flattens zod issues so that every unknown key is named on its own, like every other field; unknown
 * keys come last, after the problems with the fields the endpoint knows (a misspelt field then reads
 * as "userPrincipalName is required, userPrincipleName is unknown").
 */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  const errors = error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        field: pathOf([...issue.path, key]),
        code: "unknown_field",
        message: "is not a field this endpoint accepts",
      }));
    }
    return [{ field: pathOf(issue.path), code: issue.code, message: issue.message }];
  });
  return [
    ...errors.filter((fieldError) => fieldError.code !== "unknown_field"),
    ...errors.filter((fieldError) => fieldError.code === "unknown_field"),
  ];
}
