import Ajv from "ajv-draft-04";

/** A Swagger 2.0 Schema Object: the JSON Schema draft-04 subset plus `x-` extensions. */
export type Schema = { readonly [keyword: string]: unknown };

// Swagger's own keywords and `x-` extensions are annotations, not constraints.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: true });
const compiled = new WeakMap<Schema, ReturnType<typeof ajv.compile>>();

/**
 * Checks a value against a Schema Object whose `$ref`s point into `definitions`, and returns one
 * line per violation (empty when the value conforms).
 */
export function validateAgainstSwaggerSchema(
  value: unknown,
  schema: Schema,
  definitions: Readonly<Record<string, Schema>> = {},
): string[] {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile({ ...schema, definitions });
    compiled.set(schema, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || "(body)"} ${error.message ?? "is invalid"}`);
}
