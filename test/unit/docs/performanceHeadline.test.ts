import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { benchmarkSectionEnd, benchmarkSectionStart } from "../../../bench/benchmarkSection";
import { readDoc, section } from "../../support/markdownDocs";

const page = readDoc("docs/performance.md");
const generated = page.slice(page.indexOf(benchmarkSectionStart), page.indexOf(benchmarkSectionEnd));

/** The measured figures a summary quotes: durations in ms and ratios. */
function figures(text: string): string[] {
  return [...text.matchAll(/\b\d+(?:\.\d+)? ?(?:ms\b|×)/g)].map((match) => match[0]);
}

describe("the benchmark's headline figures", () => {
  it("quote, in the README and atop docs/performance.md, only figures of the latest generated run", () => {
    assert.ok(generated.length > 1000, "docs/performance.md holds the generated section");
    const headlines = [
      { where: "README.md", text: section(readDoc("README.md"), "Performance") },
      { where: "docs/performance.md", text: page.slice(0, page.indexOf("\n## ")) },
    ];
    for (const { where, text } of headlines) {
      const quoted = figures(text);
      assert.ok(quoted.length >= 3, `${where} quotes the headline figures`);
      for (const figure of quoted)
        assert.ok(generated.includes(figure), `${where}: ${figure} is not in the latest run`);
    }
  });
});
