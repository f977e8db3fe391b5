import { spawnSync } from "node:child_process";
import { median } from "./sampleStatistics";

/** The packages the entry loads at import: ARM is reached through core-client's and core-rest-pipeline's pieces. */
export const entryDependencies = [
  "@azure/functions",
  "@azure/identity",
  "@azure/core-client",
  "@azure/core-rest-pipeline",
  "zod",
] as const;

export interface ImportCost {
  readonly runs: number;
  readonly entryMedianMs: number;
  readonly dependenciesMedianMs: number;
  readonly ratio: number;
  readonly entrySamplesMs: readonly number[];
  readonly dependenciesSamplesMs: readonly number[];
}

/** Milliseconds `require` takes for the given modules in a fresh node process (boot excluded). */
function timeRequireInFreshProcess(modules: readonly string[], cwd: string): number {
  const script = [
    "const started = performance.now();",
    ...modules.map((name) => `require(${JSON.stringify(name)});`),
    "process.stdout.write('\\n@@' + (performance.now() - started));",
  ].join("\n");
  const child = spawnSync(process.execPath, ["-e", script], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "" },
  });
  const marker = /@@([0-9.]+)\s*$/.exec(child.stdout ?? "");
  if (child.status !== 0 || marker === null) {
    throw new Error(`import probe failed (${child.status}): ${child.stderr}`);
  }
  return Number(marker[1]);
}

/**
 * Cold-start cost of the built entry point against its dependencies alone, each in fresh processes,
 * alternated so that drift on a noisy machine hits both alike; medians of `runs` each.
 */
export function measureImportCost(entryFile: string, projectRoot: string, runs: number): ImportCost {
  const entrySamplesMs: number[] = [];
  const dependenciesSamplesMs: number[] = [];
  // One unmeasured round warms the file system cache for both.
  timeRequireInFreshProcess([entryFile], projectRoot);
  timeRequireInFreshProcess(entryDependencies, projectRoot);
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      entrySamplesMs.push(timeRequireInFreshProcess([entryFile], projectRoot));
      dependenciesSamplesMs.push(timeRequireInFreshProcess(entryDependencies, projectRoot));
    } else {
      dependenciesSamplesMs.push(timeRequireInFreshProcess(entryDependencies, projectRoot));
      entrySamplesMs.push(timeRequireInFreshProcess([entryFile], projectRoot));
    }
  }
  const entryMedianMs = median(entrySamplesMs);
  const dependenciesMedianMs = median(dependenciesSamplesMs);
  return {
    runs,
    entryMedianMs,
    dependenciesMedianMs,
    ratio: entryMedianMs / dependenciesMedianMs,
    entrySamplesMs,
    dependenciesSamplesMs,
  };
}
