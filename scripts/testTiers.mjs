// Which test files each tier runs. The rule, in one sentence: a test file is *fast* unless it
// imports node:child_process, itself or through a project module it imports (Azurite, the local
// functions host, the demo and the tooling checks are child processes); *unit* is the fast files
// under test/unit. `npm test` runs every file. `node scripts/runTests.mjs fast --list` prints a tier.
import fs from "node:fs";
import path from "node:path";

const childProcessModules = new Set(["child_process", "node:child_process"]);

/** Module specifiers a file loads at run time (type-only imports excluded). Statements end in `;` (Prettier). */
export function runtimeImports(source) {
  const specifiers = [];
  for (const statement of source.split(";").map((text) => text.trim())) {
    if (!/^(?:import|export)\b/.test(statement) || /^(?:import|export)\s+type\b/.test(statement)) continue;
    const specifier = /\bfrom\s*["']([^"']+)["']$/.exec(statement) ?? /^import\s*["']([^"']+)["']$/.exec(statement);
    if (specifier !== null) specifiers.push(specifier[1]);
  }
  for (const call of source.matchAll(/\b(?:import|require)\(\s*["']([^"']+)["']\s*\)/g)) specifiers.push(call[1]);
  return specifiers;
}

function resolveRelative(fromFile, specifier) {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [`${base}.ts`, path.join(base, "index.ts"), base];
  return candidates.find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
}

/** Whether loading `file` starts by loading node:child_process, through any chain of project modules. */
export function createChildProcessCheck() {
  const known = new Map();
  const check = (file, visiting) => {
    const cached = known.get(file);
    if (cached !== undefined) return cached;
    if (visiting.has(file)) return false;
    visiting.add(file);
    let result = false;
    for (const specifier of runtimeImports(fs.readFileSync(file, "utf8"))) {
      if (childProcessModules.has(specifier)) result = true;
      else if (specifier.startsWith(".")) {
        const resolved = resolveRelative(file, specifier);
        if (resolved !== undefined && check(resolved, visiting)) result = true;
      }
      if (result) break;
    }
    visiting.delete(file);
    known.set(file, result);
    return result;
  };
  return (file) => check(path.resolve(file), new Set());
}

function testSources(directory) {
  return fs
    .readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".test.ts"))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Every test source of the project, by tier, as paths relative to `projectRoot` with `/` separators. */
export function testTiers(projectRoot) {
  const startsProcesses = createChildProcessCheck();
  const all = testSources(path.join(projectRoot, "test"));
  const relative = (file) => path.relative(projectRoot, file).split(path.sep).join("/");
  const fast = all.filter((file) => !startsProcesses(file)).map(relative);
  return {
    unit: fast.filter((file) => file.startsWith("test/unit/")),
    fast,
    all: all.map(relative),
  };
}

/** Where tsc puts a test source (`test/a/b.test.ts` → `.build/test/a/b.test.js`). */
export function compiledTestFile(projectRoot, source) {
  return path.join(projectRoot, ".build", source.replace(/\.ts$/, ".js"));
}
