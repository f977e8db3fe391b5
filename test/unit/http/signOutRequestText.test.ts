import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toFieldErrors } from "../../../src/lib/http/fieldErrors";
import { signOutRequestSchema } from "../../../src/lib/http/signOutRequest";

const upn = "alice@contoso.com";

/** `field: message` of each problem with `value` put at `field`. */
function problemsWith(field: "requestedBy" | "reason" | "notify.title" | "notify.message", value: string): string[] {
  const body =
    field === "notify.title"
      ? { userPrincipalName: upn, notify: { title: value, message: "m" } }
      : field === "notify.message"
        ? { userPrincipalName: upn, notify: { title: "t", message: value } }
        : { userPrincipalName: upn, [field]: value };
  const result = signOutRequestSchema.safeParse(body);
  return result.success ? [] : toFieldErrors(result.error).map((error) => `${error.field}: ${error.message}`);
}

const oneLineFields = ["requestedBy", "reason", "notify.title"] as const;
const bidiControls = [
  "\u061c",
  "\u200e",
  "\u200f",
  "\u202a",
  "\u202b",
  "\u202c",
  "\u202d",
  "\u202e",
  "\u2066",
  "\u2067",
  "\u2068",
  "\u2069",
];
const controls = ["\u0000", "\u0007", "\u000b", "\u000c", "\u001b", "\u001f", "\u007f", "\u0080", "\u0085", "\u009f"];
const lineBreaks = ["\n", "\r", "\u2028", "\u2029"];
const name = (char: string) => `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;

describe("free text in a request", () => {
  it("takes one line of any script, with inner and surrounding blanks, in one-line fields", () => {
    for (const field of oneLineFields) {
      for (const value of ["INC0012345", "  Zoë Ñúñez\u00a0(helpdesk) ", "李小龍 🙂", "x"]) {
        assert.deepEqual(problemsWith(field, value), [], `${field} ${JSON.stringify(value)}`);
      }
    }
  });

  it("rejects tabs, line breaks, control and bidirectional characters anywhere in one-line fields", () => {
    for (const field of oneLineFields) {
      for (const char of ["\t", ...lineBreaks, ...controls, ...bidiControls]) {
        for (const value of [`a${char}b`, `${char}ab`, `ab${char}`]) {
          const problems = problemsWith(field, value);
          assert.equal(problems.length, 1, `${field} with ${name(char)}`);
          assert.match(problems[0]!, new RegExp(`^${field.replace(".", "\\.")}: must be one line of text`));
        }
      }
    }
  });

  it("takes line breaks and tabs in notify.message", () => {
    for (const value of ["Line one\nline two", "a\r\n\tb", "para\u2028graph", "\n x \n"]) {
      assert.deepEqual(problemsWith("notify.message", value), [], JSON.stringify(value));
    }
  });

  it("rejects control and bidirectional characters anywhere in notify.message, one alone too", () => {
    for (const char of [...controls, ...bidiControls]) {
      for (const value of [`a${char}b`, `${char}ab`, `ab${char}`, `${char}`]) {
        assert.deepEqual(
          problemsWith("notify.message", value),
          ["notify.message: must be text without control or bidirectional characters"],
          `${name(char)} in ${JSON.stringify(value)}`,
        );
      }
    }
  });

  it("wants something visible", () => {
    for (const field of [...oneLineFields, "notify.message"] as const) {
      for (const value of [" ", "\u00a0\u3000", "\ufeff"]) {
        assert.equal(problemsWith(field, value).length, 1, `${field} ${JSON.stringify(value)}`);
      }
    }
  });
});
