import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { logEvent, logEventFields, logEventNames, type LogEventName } from "../../../src/lib/base/logEvents";
import { signOutCountsSchema } from "../../../src/lib/engine/report/signOutReport";
import { repositoryRoot, sourceFiles } from "../../support/sourceFiles";

const root = repositoryRoot;
const sources = sourceFiles;

describe("log events", () => {
  it("are written only through logEvent, so every line is one JSON object with a known name", () => {
    for (const file of sources("src")) {
      const text = readFileSync(path.join(root, file), "utf8");
      assert.doesNotMatch(text, /context\.(info|warn|error)\(\s*JSON\.stringify/, file);
      for (const [, name] of text.matchAll(/event: "([\w.]+)"/g)) {
        assert.ok((logEventNames as readonly string[]).includes(name!), `${file} logs ${name}, not in logEventNames`);
      }
    }
  });

  it("writes the event as one JSON line at the level asked", () => {
    const lines: string[] = [];
    const sink = {
      info: (line: unknown) => lines.push(`info ${String(line)}`),
      warn: (line: unknown) => lines.push(`warn ${String(line)}`),
      error: (line: unknown) => lines.push(`error ${String(line)}`),
    };
    logEvent(sink, "warn", { event: "userSignout.rejected", operationId: "op", code: "X", fields: [] });
    assert.deepEqual(lines, ['warn {"event":"userSignout.rejected","operationId":"op","code":"X","fields":[]}']);
  });
});

/** Each query that parses a log line: the event it keeps and the fields it reads from that line. */
function queriesOverLogLines(text: string): { event: string; fields: string[]; query: string }[] {
  const found: { event: string; fields: string[]; query: string }[] = [];
  for (const [query, variable] of text.matchAll(/extend (\w+) = parse_json\(\w+\)[\s\S]*?(?=\n\n|```|$)/g)) {
    const event = new RegExp(`tostring\\(${variable}\\.event\\) == "([\\w.]+)"`).exec(query)?.[1];
    assert.ok(event !== undefined, `a query parses log lines without naming the event it keeps:\n${query}`);
    const fields = [...query.matchAll(new RegExp(`\\b${variable}\\.(\\w+)`, "g"))].map((match) => match[1]!);
    found.push({ event, fields, query });
  }
  return found;
}

describe("log event declarations", () => {
  const documents = [
    ...readdirSync(path.join(root, "docs", "kusto")).map((file) => path.join("docs", "kusto", file)),
    "docs/observability.md",
  ];

  it("declare every field a Kusto query reads from a log line", () => {
    let checked = 0;
    for (const document of documents) {
      for (const { event, fields, query } of queriesOverLogLines(readFileSync(path.join(root, document), "utf8"))) {
        assert.ok(event in logEventFields, `${document} keeps ${event}, which no declaration names`);
        const declared = new Set(["event", ...Object.keys(logEventFields[event as LogEventName].shape)]);
        for (const field of fields) assert.ok(declared.has(field), `${document} reads ${event}.${field}:\n${query}`);
        checked += fields.length;
      }
    }
    assert.ok(checked >= 40, `only ${checked} fields read: the queries were not found`);
  });

  it("spread every count of the report into the summary line", () => {
    const summary = Object.keys(logEventFields["userSignout.summary"].shape);
    for (const key of Object.keys(signOutCountsSchema.shape)) assert.ok(summary.includes(key), key);
  });
});
