import { z } from "zod";

export type SwaggerSchema = { [keyword: string]: unknown };

// Swagger 2.0's Schema Object is a subset of JSON Schema draft 4: no anyOf/oneOf/not/const, one
// type per schema, no null. Anything outside this list fails the build of the document (and its
// test) instead of producing a document Power Automate would refuse.
const allowedKeywords = new Set([
  "type",
  "format",
  "title",
  "description",
  "default",
  "enum",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "pattern",
  "minItems",
  "maxItems",
]);

function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function convert(schema: SwaggerSchema, propertyName: string | undefined, where: string): SwaggerSchema {
  const out: SwaggerSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === "$schema") continue;
    // zod states the bounds of a safe integer; they say nothing to a reader.
    if ((keyword === "maximum" || keyword === "minimum") && Math.abs(value as number) === Number.MAX_SAFE_INTEGER)
      continue;
    if (!allowedKeywords.has(keyword) && !keyword.startsWith("x-")) {
      throw new Error(`${where}: JSON Schema keyword "${keyword}" has no Swagger 2.0 equivalent`);
    }
    if (keyword === "type" && typeof value !== "string") {
      throw new Error(`${where}: Swagger 2.0 allows one type per schema`);
    }
    if (keyword === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, SwaggerSchema>).map(([name, property]) => [
          name,
          convert(property, name, `${where}.${name}`),
        ]),
      );
    } else if (keyword === "items" || (keyword === "additionalProperties" && typeof value === "object")) {
      out[keyword] = convert(value as SwaggerSchema, undefined, `${where}[]`);
    } else {
      out[keyword] = value;
    }
  }
  // Power Automate labels fields with x-ms-summary.
  const summary =
    typeof out.title === "string" ? out.title : propertyName === undefined ? undefined : humanize(propertyName);
  if (summary !== undefined && out["x-ms-summary"] === undefined) out["x-ms-summary"] = summary;
  return out;
}

/** A zod schema as a Swagger 2.0 Schema Object: `input` for what callers send, `output` for what they get. */
export function toSwaggerSchema(schema: z.ZodType, io: "input" | "output", name: string): SwaggerSchema {
  const jsonSchema = z.toJSONSchema(schema, { target: "draft-4", io, unrepresentable: "throw" }) as SwaggerSchema;
  return convert(jsonSchema, undefined, name);
}
