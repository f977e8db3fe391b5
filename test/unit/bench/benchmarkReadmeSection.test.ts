import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  benchmarkSectionEnd,
  benchmarkSectionStart,
  replaceBenchmarkSection,
} from "../../../bench/benchmarkReadmeSection";

const readme = [
  "## Benchmark",
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
  "## Project layout",
  "",
].join("\n");

describe("npm run bench -- --update-readme", () => {
  it("replaces only the generated part of the README's Benchmark section", () => {
    const updated = replaceBenchmarkSection(readme, "| new | table |\n");
    assert.equal(updated, readme.replace("| old | table |", "| new | table |"));
  });

  it("refuses a README without the markers, or with them twice, rather than writing in the wrong place", () => {
    for (const broken of [
      readme.replace(benchmarkSectionStart, ""),
      readme.replace(benchmarkSectionEnd, ""),
      `${readme}\n${benchmarkSectionStart}\n`,
      `${benchmarkSectionEnd}\n${readme.replace(benchmarkSectionEnd, "")}`,
    ]) {
      assert.throws(() => replaceBenchmarkSection(broken, "| new |"), /must hold/);
    }
  });
});
