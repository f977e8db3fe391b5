/**
 * Checks a value against a Swagger 2.0 Schema Object (with `$ref` into `definitions`). Only the
 * keywords the generated document uses are implemented, and any other keyword fails loudly, so a
 * new keyword in the document cannot be silently skipped. Patterns are compiled as JSON Schema
 * validators do (ECMA-262, unicode mode).
 */
export type Schema = { readonly [keyword: string]: unknown };

const understood = new Set([
  "$ref",
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

export function validateAgainstSwaggerSchema(
  value: unknown,
  schema: Schema,
  definitions: Readonly<Record<string, Schema>> = {},
  path = "",
): string[] {
  for (const keyword of Object.keys(schema)) {
    if (!understood.has(keyword) && !keyword.startsWith("x-")) throw new Error(`unsupported keyword ${keyword}`);
  }
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.replace("#/definitions/", "");
    const target = definitions[name];
    if (target === undefined) throw new Error(`unknown $ref ${schema.$ref}`);
    return validateAgainstSwaggerSchema(value, target, definitions, path);
  }
  const at = path === "" ? "(body)" : path;
  const type = schema.type as string | undefined;
  if (type !== undefined && !hasType(value, type)) return [`${at}: expected ${type}`];
  const problems: string[] = [];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${at}: not one of the enum`);
  if (typeof value === "string") {
    const length = [...value].length;
    if (typeof schema.minLength === "number" && length < schema.minLength) problems.push(`${at}: too short`);
    if (typeof schema.maxLength === "number" && length > schema.maxLength) problems.push(`${at}: too long`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
      problems.push(`${at}: does not match the pattern`);
    }
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) problems.push(`${at}: below minimum`);
    if (typeof schema.maximum === "number" && value > schema.maximum) problems.push(`${at}: above maximum`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) problems.push(`${at}: too few items`);
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) problems.push(`${at}: too many items`);
    if (schema.items !== undefined) {
      value.forEach((item, index) =>
        problems.push(...validateAgainstSwaggerSchema(item, schema.items as Schema, definitions, `${path}[${index}]`)),
      );
    }
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!(name in record)) problems.push(`${path === "" ? "" : `${path}.`}${name}: required`);
    }
    for (const [name, item] of Object.entries(record)) {
      const child = path === "" ? name : `${path}.${name}`;
      const property = properties[name];
      if (property !== undefined) {
        problems.push(...validateAgainstSwaggerSchema(item, property, definitions, child));
      } else if (schema.additionalProperties === false) {
        problems.push(`${child}: not allowed`);
      } else if (typeof schema.additionalProperties === "object" && schema.additionalProperties !== null) {
        problems.push(...validateAgainstSwaggerSchema(item, schema.additionalProperties as Schema, definitions, child));
      }
    }
  }
  return problems;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    default:
      throw new Error(`unsupported type ${type}`);
  }
}
