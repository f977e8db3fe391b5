import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { repositoryRoot } from "./armTemplate";

interface SamplingSettings {
  readonly isEnabled?: boolean;
  readonly excludedTypes?: string;
  readonly includedTypes?: string;
}

const read = (file: string) => readFileSync(path.join(repositoryRoot, file), "utf8");

function samplingSettingsOf(hostJson: string): SamplingSettings {
  const host = JSON.parse(hostJson) as { logging?: { applicationInsights?: { samplingSettings?: SamplingSettings } } };
  return host.logging?.applicationInsights?.samplingSettings ?? {};
}

const typeList = (value: string | undefined) =>
  new Set((value ?? "").split(";").map((type) => type.trim().toLowerCase()));

/**
 * Whether Application Insights may drop trace rows (the app's log lines) and keep one with
 * `itemCount` standing for the rest: adaptive sampling is on by default, and applies to every
 * type that `excludedTypes` does not name (and, when `includedTypes` is set, that it names).
 */
function tracesAreSampled(settings: SamplingSettings): boolean {
  if (settings.isEnabled === false) return false;
  if (typeList(settings.excludedTypes).has("trace")) return false;
  return settings.includedTypes === undefined || typeList(settings.includedTypes).has("trace");
}

/** The queries that aggregate rows without weighting them by `itemCount`. */
function unweightedAggregations(queries: readonly { name: string; text: string }[]): string[] {
  return queries
    .filter(({ text }) => /\b(?:count|countif|dcount|sum|avg|percentiles?)\(/.test(text))
    .filter(({ text }) => !/\bitemCount\b/i.test(text))
    .map(({ name }) => name);
}

/** Every query the project ships: the workspace functions and the queries of docs/observability.md. */
function shippedQueries(): { name: string; text: string }[] {
  const functions = readdirSync(path.join(repositoryRoot, "docs", "kusto"))
    .filter((file) => file.endsWith(".kql"))
    .map((file) => ({ name: `docs/kusto/${file}`, text: read(`docs/kusto/${file}`) }));
  const documented = [...read("docs/observability.md").matchAll(/```kusto\n([\s\S]*?)```/g)].map((match, index) => ({
    name: `docs/observability.md query ${index + 1}`,
    text: match[1]!,
  }));
  return [...functions, ...documented];
}

describe("adaptive sampling (host.json) and the Kusto queries that count log lines", () => {
  const hostJson = read("host.json");

  it("counts every summary line: traces are not sampled, or every aggregating query weights by itemCount", () => {
    const unweighted = tracesAreSampled(samplingSettingsOf(hostJson)) ? unweightedAggregations(shippedQueries()) : [];
    assert.deepEqual(unweighted, []);
  });

  it("keeps Trace out of sampling, as docs/observability.md says (the queries count rows)", () => {
    assert.equal(tracesAreSampled(samplingSettingsOf(hostJson)), false);
    assert.match(read("docs/observability.md"), /excludedTypes` to `Request;Trace`/);
  });

  it("would report the queries that count rows if host.json sampled traces", () => {
    const sampled = samplingSettingsOf(hostJson.replace(/"excludedTypes":\s*"[^"]*"/, '"excludedTypes": "Request"'));
    assert.equal(tracesAreSampled(sampled), true);
    assert.ok(unweightedAggregations(shippedQueries()).length >= 4);
  });

  it("reads the settings as the host does: on by default, includedTypes narrows, excludedTypes wins", () => {
    assert.equal(tracesAreSampled({}), true);
    assert.equal(tracesAreSampled({ isEnabled: false }), false);
    assert.equal(tracesAreSampled({ excludedTypes: "Request; trace" }), false);
    assert.equal(tracesAreSampled({ includedTypes: "Request;Exception" }), false);
    assert.equal(tracesAreSampled({ includedTypes: "Trace", excludedTypes: "Request" }), true);
    assert.deepEqual(
      unweightedAggregations([
        { name: "rows", text: "T | summarize count()" },
        { name: "weighted", text: "T | summarize sum(itemCount)" },
        { name: "projection", text: "T | project Message" },
      ]),
      ["rows"],
    );
  });
});
