import { z } from "zod";
import { guidPattern } from "../base/guid";
import { err, ok, type Result } from "../base/result";

const jsonListSchema = z.array(z.string());

/**
 * Accepts a comma/semicolon/whitespace separated list or a JSON array of GUIDs, as people paste
 * them into app settings. Ids are lower-cased so that duplicates in different case collapse.
 */
export function parseSubscriptionIds(raw: string | undefined): Result<readonly string[], string> {
  const text = raw?.trim() ?? "";
  if (text === "") {
    return err("is missing or empty; set it to one or more subscription IDs (GUIDs)");
  }
  let candidates: string[];
  if (text.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return err("starts with '[' but is not a valid JSON array");
    }
    const list = jsonListSchema.safeParse(parsed);
    if (!list.success) {
      return err("must be a JSON array of strings");
    }
    candidates = list.data.map((entry) => entry.trim());
  } else {
    candidates = text.split(/[\s,;]+/);
  }
  const nonEmpty = candidates.filter((entry) => entry !== "");
  if (nonEmpty.length === 0) {
    return err("contains no subscription ID");
  }
  const invalid = nonEmpty.filter((entry) => !guidPattern.test(entry));
  if (invalid.length > 0) {
    const shown = invalid.slice(0, 3).map((entry) => JSON.stringify(entry.slice(0, 40)));
    return err(`contains values that are not GUIDs: ${shown.join(", ")}${invalid.length > 3 ? ", …" : ""}`);
  }
  return ok(Object.freeze([...new Set(nonEmpty.map((entry) => entry.toLowerCase()))]));
}
