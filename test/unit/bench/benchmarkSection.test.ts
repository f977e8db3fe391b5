import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { benchmarkSectionEnd, benchmarkSectionStart, replaceBenchmarkSection } from "../../../bench/benchmarkSection";

const page = [
  "## Latest figures",
  "",
  "How to run it (by hand).",
  "",
  benchmarkSectionStart,
  "",
  "| old | table |",
  "",
  benchmarkSectionEnd,
  "",
  "Where the time goes (by hand).",
  "",
  "## History",
  "",
].join("\n");

describe("npm run bench -- --update-page", () => {
  it("replaces only the generated part of docs/performance.md", () => {
    const updated = replaceBenchmarkSection(page, "| new | table |\n");
    assert.equal(updated, page.replace("| old | table |", "| new | table |"));
  });

  it("refuses a page without the markers, or with them twice, rather than writing in the wrong place", () => {
    for (const broken of [
      page.replace(benchmarkSectionStart, ""),
      page.replace(benchmarkSectionEnd, ""),
      `${page}\n${benchmarkSectionStart}\n`,
      `${benchmarkSectionEnd}\n${page.replace(benchmarkSectionEnd, "")}`,
    ]) {
      assert.throws(() => replaceBenchmarkSection(broken, "| new |"), /must hold/);
    }
  });
});
