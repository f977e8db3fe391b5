// npm run compile: type-checks and compiles src, test, emulator, local, bench and scripts into
// .build, recompiling only what changed since the last run. The build info lives inside .build, so
// deleting .build (as npm test does) always means a full compile, never outputs missing for good.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const tsBuildInfoFile = ".build/tsconfig.tsbuildinfo";

/** Runs tsc on tsconfig.json incrementally; its diagnostics go to this process's output. Returns its exit status. */
export function compileIncrementally() {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const run = spawnSync(
    process.execPath,
    [tsc, "-p", "tsconfig.json", "--incremental", "--tsBuildInfoFile", tsBuildInfoFile],
    { cwd: projectRoot, stdio: "inherit" },
  );
  return run.status ?? 1;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(compileIncrementally());
}
