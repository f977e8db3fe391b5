import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { orderLimits } from "../../../src/lib/engine/orderLimits";
import { buildOpenApiDocument } from "../../../src/lib/http/openApiDocument";
import { signOutRequestSchema } from "../../../src/lib/http/signOutRequest";
import { readDoc, section, tableRows } from "../../support/markdownDocs";
import type { Schema } from "../openapi/validateAgainstSwaggerSchema";

const document = buildOpenApiDocument({ requestSchema: signOutRequestSchema, host: "localhost" });
const definitions = document.definitions as Record<string, Schema>;
const properties = definitions.SignOutRequest!.properties as Record<string, Schema>;
const [, ...rows] = tableRows(section(readDoc("docs/request-fields.md"), "Fields"));
const documented = new Map(rows.map((cells) => [/^`(\w+)`$/.exec(cells[0]!)?.[1] ?? cells[0]!, cells.join(" | ")]));

/** A property's own schema, following a `$ref` into the document's definitions. */
function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  return typeof ref === "string" ? definitions[ref.replace("#/definitions/", "")]! : schema;
}

/** Whether `row` states `n`, written plainly or with thousands separators (10000 or 10,000). */
function states(row: string, n: number): boolean {
  return new RegExp(`(?<![\\d.])${n}(?![\\d.])`).test(row.replaceAll(/(\d),(\d{3})/g, "$1$2"));
}

/** Every numeric limit a property's schema declares, nested objects and array items included. */
function limitsOf(schema: Schema): number[] {
  const own = resolve(schema);
  const limits = ["maxLength", "maxItems", "maximum"].flatMap((key) =>
    typeof own[key] === "number" ? [own[key]] : [],
  );
  const nested = Object.values((own.properties ?? {}) as Record<string, Schema>).flatMap(limitsOf);
  const items = own.items === undefined ? [] : limitsOf(own.items as Schema);
  return [...limits, ...nested, ...items];
}

describe("docs/request-fields.md, against the request schema", () => {
  it("has a row for every field the function accepts, and none for a field it rejects", () => {
    assert.deepEqual([...documented.keys()].sort(), Object.keys(properties).sort());
  });

  it("states every limit the schema declares, in the field's row", () => {
    let checked = 0;
    for (const [field, schema] of Object.entries(properties)) {
      for (const limit of limitsOf(schema)) {
        checked += 1;
        assert.ok(states(documented.get(field)!, limit), `${field}: ${limit}`);
      }
    }
    assert.ok(checked >= 8);
  });

  it("states every allowed value of an enumerated field", () => {
    for (const [field, schema] of Object.entries(properties)) {
      for (const value of (resolve(schema).enum ?? []) as unknown[]) {
        assert.ok(documented.get(field)!.includes(`"${String(value)}"`), `${field}: ${String(value)}`);
      }
    }
  });

  it("states the limits the schema takes from the request's context: asynchronous users and the grace period", () => {
    assert.ok(states(documented.get("userPrincipalNames")!, orderLimits.maxAsyncUsers));
    assert.ok(states(documented.get("gracePeriodSeconds")!, orderLimits.maxGracePeriodSeconds));
    assert.ok(states(documented.get("gracePeriodSeconds")!, orderLimits.gracePeriodReserveSeconds));
  });
});
