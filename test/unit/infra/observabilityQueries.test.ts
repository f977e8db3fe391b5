import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { reportedErrorSchema, signOutCountsSchema } from "../../../src/lib/engine/report/signOutReport";
import { repositoryRoot } from "./armTemplate";

const read = (file: string) => readFileSync(path.join(repositoryRoot, file), "utf8");

/** The property names of the JSON object logged right after `event: "<name>"` in the handler. */
function loggedFields(event: string): Set<string> {
  const handler = read("src/lib/http/userSignoutHandler.ts");
  const start = handler.indexOf(`event: "${event}"`);
  assert.ok(start >= 0, `the handler logs ${event}`);
  const literal = handler.slice(start, handler.indexOf("})", start));
  return new Set(["event", ...[...literal.matchAll(/(?:^|[{,])[ \t]*(\w+)[ \t]*[:,]/gm)].map((match) => match[1]!)]);
}

/** The fields a query reads from the parsed line: `s.name` / `f.name`. */
function fieldsRead(query: string, variable: string): string[] {
  return [...query.matchAll(new RegExp(`\\b${variable}\\.(\\w+)`, "g"))].map((match) => match[1]!);
}

describe("the Kusto functions over the log lines", () => {
  it("read from a summary line only fields the handler writes (counts included)", () => {
    const written = new Set([...loggedFields("userSignout.summary"), ...Object.keys(signOutCountsSchema.shape)]);
    const unknown = fieldsRead(read("docs/kusto/AvdSignoutSummaries.kql"), "s").filter((name) => !written.has(name));
    assert.deepEqual(unknown, []);
  });

  it("read from a failure line only fields the handler writes (the reported error's included)", () => {
    const written = new Set([...loggedFields("userSignout.failure"), ...Object.keys(reportedErrorSchema.shape)]);
    const unknown = fieldsRead(read("docs/kusto/AvdSignoutFailures.kql"), "f").filter((name) => !written.has(name));
    assert.deepEqual(unknown, []);
  });

  it("are the functions the template installs, and the ones docs/observability.md queries", () => {
    const template = read("infra/app/resources.bicep");
    const doc = read("docs/observability.md");
    for (const name of ["AvdSignoutSummaries", "AvdSignoutFailures"]) {
      assert.match(
        template,
        new RegExp(`functionAlias: '${name}'[\\s\\S]*?loadTextContent\\('../../docs/kusto/${name}.kql'\\)`),
      );
      assert.match(doc, new RegExp(`^${name}$`, "m"), `docs/observability.md queries ${name}`);
    }
  });
});
