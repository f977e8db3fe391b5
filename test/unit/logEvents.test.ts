import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { logEvent, logEventNames } from "../../src/lib/base/logEvents";
import { repositoryRoot, sourceFiles } from "../support/sourceFiles";

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
    logEvent(sink, "warn", { event: "userSignout.failure", operationId: "op", code: "X" });
    assert.deepEqual(lines, ['warn {"event":"userSignout.failure","operationId":"op","code":"X"}']);
  });
});
