import { z } from "zod";

/** Entra ID caps a member UPN at 113 characters: 64 before the "@" and 48 after it. */
export const upnLimits = Object.freeze({ maxLength: 113, maxLocalPartLength: 64, maxDomainLength: 48 });
/** B2B guests carry their home address in the local part (`alice_fabrikam.com#EXT#@…`), which may exceed 64. */
const guestMaxLength = 256;

// Characters Entra ID allows in the user name part: A-Z a-z 0-9 ' . - _ ! # ^ ~
const localPartPattern = /^[\w'.!#^~-]+$/;
const domainLabelPattern = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function upnProblem(upn: string): string | undefined {
  const at = upn.indexOf("@");
  if (at < 0 || at !== upn.lastIndexOf("@")) {
    return "must contain exactly one '@', as in user@contoso.com";
  }
  const local = upn.slice(0, at);
  const domain = upn.slice(at + 1);
  const isGuest = local.toUpperCase().endsWith("#EXT#");
  if (local === "") return "has nothing before the '@'";
  if (!localPartPattern.test(local)) {
    return "has a character before the '@' that Entra ID does not allow (allowed: letters, digits and ' . - _ ! # ^ ~)";
  }
  if (local.endsWith(".")) return "must not have a '.' immediately before the '@'";
  if (!isGuest && local.length > upnLimits.maxLocalPartLength) {
    return `must have at most ${upnLimits.maxLocalPartLength} characters before the '@'`;
  }
  if (domain === "") return "has no domain after the '@'";
  if (domain.length > upnLimits.maxDomainLength) {
    return `must have a domain of at most ${upnLimits.maxDomainLength} characters`;
  }
  const labels = domain.split(".");
  if (labels.length < 2 || !labels.every((label) => domainLabelPattern.test(label))) {
    return "must end in a domain name such as contoso.com";
  }
  const maxLength = isGuest ? guestMaxLength : upnLimits.maxLength;
  if (upn.length > maxLength) return `must be at most ${maxLength} characters long`;
  return undefined;
}

const domainLabel = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
/**
 * The rules of `upnProblem` as one pattern, surrounding whitespace allowed (it is trimmed), so that
 * the OpenAPI document rejects what the function rejects; a unit test holds the two together.
 */
export const userPrincipalNamePattern = new RegExp(
  [
    "^\\s*(?=\\S{1,256}\\s*$)",
    "(?:[\\w'.!#^~-]{0,63}[\\w'!#^~-]|[\\w'.!#^~-]*#[Ee][Xx][Tt]#)",
    "@(?=[A-Za-z0-9.-]{1,48}\\s*$)",
    `${domainLabel}(?:\\.${domainLabel})+`,
    "\\s*$",
  ].join(""),
);

export const userPrincipalNameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
  .max(1024, { error: "is far too long to be a user principal name", abort: true })
  .trim()
  .min(1, { error: "must not be empty", abort: true })
  .check((ctx) => {
    const problem = upnProblem(ctx.value);
    if (problem !== undefined) {
      ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
    } else if (!userPrincipalNamePattern.test(ctx.value)) {
      ctx.issues.push({ code: "custom", message: "is not a valid user principal name", input: ctx.value });
    }
  })
  .meta({ pattern: userPrincipalNamePattern.source });

// eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included
const asciiOnly = /^[\x00-\x7f]*$/;

/**
 * The key sessions are matched on: ASCII letters A-Z folded to a-z, nothing else. Unicode case
 * folding (`toLowerCase`) maps look-alikes onto ASCII letters (the Kelvin sign K becomes "k"), and a
 * look-alike listed by the service must never match a real user.
 */
export function userPrincipalNameKey(upn: string): string {
  // On ASCII text toLowerCase folds exactly A-Z, natively: a tenant's listings hold thousands of UPNs.
  if (asciiOnly.test(upn)) return upn.toLowerCase();
  return upn.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
