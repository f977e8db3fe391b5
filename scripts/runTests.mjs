// npm run test:unit / test:fast: compile incrementally, then run one tier's test files (see
// testTiers.mjs for the rule). Files are chosen from the sources, so a compiled test whose source
// was renamed or deleted never runs. Arguments after the tier narrow it to files whose path
// contains one of them; --list prints the files instead of running them.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { compileIncrementally, tsBuildInfoFile } from "./compileIncrementally.mjs";
import { compiledTestFile, testTiers } from "./testTiers.mjs";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [tier, ...rest] = process.argv.slice(2);
const list = rest.includes("--list");
const filters = rest.filter((argument) => argument !== "--list");
const tiers = testTiers(projectRoot);

if (tier !== "unit" && tier !== "fast" && tier !== "all") {
  process.stderr.write(`runTests: give a tier (unit, fast or all), not ${tier ?? "nothing"}\n`);
  process.exit(2);
}
const sources = tiers[tier].filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)));
if (list) {
  process.stdout.write(`${sources.join("\n")}\n`);
  process.exit(0);
}
if (sources.length === 0) {
  process.stderr.write(`runTests: no ${tier} test file matches ${filters.join(" ")}\n`);
  process.exit(1);
}

compileOrExit();
// tsc trusts its build info: an output deleted by hand is not written again until the info goes too.
if (sources.some((source) => !fs.existsSync(compiledTestFile(projectRoot, source)))) {
  fs.rmSync(path.join(projectRoot, tsBuildInfoFile), { force: true });
  compileOrExit();
}

// Unit files share nothing and start nothing, so they run in this one runner process (three times
// faster than a process per file); the other tiers keep a process per file, as npm test does.
const isolation =
  tier === "unit"
    ? [
        process.allowedNodeEnvironmentFlags.has("--test-isolation")
          ? "--test-isolation=none"
          : "--experimental-test-isolation=none",
      ]
    : ["--test-concurrency=2"];
const run = spawnSync(
  process.execPath,
  ["--test", ...isolation, ...sources.map((source) => compiledTestFile(projectRoot, source))],
  { cwd: projectRoot, stdio: "inherit" },
);
process.exit(run.status ?? 1);

function compileOrExit() {
  const status = compileIncrementally();
  if (status !== 0) process.exit(status);
}
