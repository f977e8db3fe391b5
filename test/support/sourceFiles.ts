import { readdirSync } from "node:fs";
import path from "node:path";

/** The repository's root, from a compiled test under .build/test/…/. */
export const repositoryRoot = path.resolve(__dirname, "..", "..", "..");

/** Every .ts file below `directory` (relative to the repository root), as relative paths. */
export function sourceFiles(directory: string): string[] {
  return readdirSync(path.join(repositoryRoot, directory), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(path.join(directory, entry.name))
      : entry.name.endsWith(".ts")
        ? [path.join(directory, entry.name)]
        : [],
  );
}
