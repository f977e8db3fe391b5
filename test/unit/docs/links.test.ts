import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { repositoryRoot } from "../../support/sourceFiles";
import { documentationFiles, readDoc } from "../../support/markdownDocs";

/** The text outside fenced code blocks, where links and headings are what they seem. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

/** The anchor GitHub gives a heading: its rendered text, lower-cased, punctuation dropped, spaces as hyphens. */
function headingAnchor(heading: string): string {
  let text = heading;
  // A link in a heading renders as its text: drop each "](target)".
  for (let at = text.indexOf("]("); at >= 0; at = text.indexOf("](")) {
    const end = text.indexOf(")", at);
    text = text.slice(0, at) + (end < 0 ? "" : text.slice(end + 1));
  }
  return text
    .replace(/`|\*\*?/g, "")
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a page offers, numbered as GitHub numbers repeated headings. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of prose(markdown).split("\n")) {
    const heading = /^#{1,6} (.*)$/.exec(line);
    if (heading === null) continue;
    const base = headingAnchor(heading[1]!.trim());
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The relative link targets of a page (inline links and images, inline code left out). */
function relativeTargets(markdown: string): string[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, "");
  return [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** Why `target`, linked from `file`, does not resolve; undefined when it does. */
function brokenLink(file: string, target: string): string | undefined {
  const [pathPart, anchor] = target.split("#", 2) as [string, string | undefined];
  const resolved = pathPart === "" ? file : path.normalize(path.join(path.dirname(file), decodeURI(pathPart)));
  if (resolved.startsWith("..") || path.isAbsolute(resolved)) return `${target}: leaves the repository`;
  const absolute = path.join(repositoryRoot, resolved);
  if (!existsSync(absolute)) return `${target}: no such file`;
  if (anchor === undefined || anchor === "") return undefined;
  if (!statSync(absolute).isFile() || !resolved.endsWith(".md")) return `${target}: an anchor into a non-page`;
  return anchorsOf(readDoc(resolved)).has(anchor) ? undefined : `${target}: no heading with this anchor`;
}

describe("links in the documentation", () => {
  it("every relative link in README.md, CONTRIBUTING.md and docs/ resolves, anchors included", () => {
    const files = documentationFiles();
    assert.ok(files.length >= 12, files.join(", "));
    let checked = 0;
    const broken: string[] = [];
    for (const file of files) {
      for (const target of relativeTargets(readDoc(file))) {
        checked += 1;
        const problem = brokenLink(file, target);
        if (problem !== undefined) broken.push(`${file}: ${problem}`);
      }
    }
    assert.deepEqual(broken, []);
    assert.ok(checked >= 40, `${checked} links checked`);
  });

  it("names anchors as GitHub does", () => {
    assert.equal(
      headingAnchor("1. Provision and deploy: `azd up` _(needs Azure)_"),
      "1-provision-and-deploy-azd-up-needs-azure",
    );
    assert.equal(
      headingAnchor("Lifecycle Workflows: a custom task extension"),
      "lifecycle-workflows-a-custom-task-extension",
    );
    assert.equal(headingAnchor("Node.js"), "nodejs");
    assert.equal(headingAnchor("AZURE_CLIENT_ID"), "azure_client_id");
  });

  it("finds a broken link, a missing page and a missing anchor", () => {
    assert.equal(brokenLink("README.md", "docs/calling.md#protected-accounts"), undefined);
    assert.match(brokenLink("README.md", "docs/calling.md#no-such-heading") ?? "", /anchor/);
    assert.match(brokenLink("README.md", "docs/no-such-page.md") ?? "", /no such file/);
    assert.match(brokenLink("docs/calling.md", "../../outside.md") ?? "", /leaves/);
    assert.deepEqual(relativeTargets("[a](x.md) `[b](y.md)` [c](https://example.com)\n```\n[d](z.md)\n```\n"), [
      "x.md",
    ]);
  });
});
