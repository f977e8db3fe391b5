import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repositoryRoot } from "./sourceFiles";

/** A documentation file's text, by its path from the repository root. */
export function readDoc(file: string): string {
  return readFileSync(path.join(repositoryRoot, file), "utf8");
}

/** The documentation `npm test` holds to the code: README.md, CONTRIBUTING.md and every page under docs/. */
export function documentationFiles(): string[] {
  const below = (directory: string): string[] =>
    readdirSync(path.join(repositoryRoot, directory), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? below(path.join(directory, entry.name))
        : entry.name.endsWith(".md")
          ? [path.join(directory, entry.name)]
          : [],
    );
  return ["README.md", "CONTRIBUTING.md", ...below("docs")];
}

/** The text of one `## ` section (heading included), up to the next `## ` heading. */
export function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section "## ${heading}"`);
  const end = markdown.indexOf("\n## ", start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** The body rows of every Markdown table in `markdown`, as trimmed cells (`\|` kept as `|`). */
export function tableRows(markdown: string): string[][] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("|") && !/^\|\s*-/.test(line))
    .map((line) =>
      line
        .slice(1, line.trimEnd().endsWith("|") ? line.trimEnd().length - 1 : undefined)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replaceAll("\\|", "|")),
    );
}
