// npm run package: the deployment package of the function app, package/function-app.zip, built
// from what `npm run build` left in dist/. The app is staged in package/app (git-ignored) with
// host.json, package.json, the lockfile and the production dependencies only, installed there by
// `npm ci --omit=dev` from the lockfile: the working tree's node_modules is never touched, and
// nothing under version control changes. `azd deploy` ships package/app (azure.yaml `dist`), the
// GitHub workflow ships the zip (`azd deploy --from-package`).
//
//   node scripts/packageFunctionApp.mjs        stage and zip (after npm run build)
import { spawnSync } from "node:child_process";
import console from "node:console";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { zipSync } from "fflate";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "package");
const staging = path.join(outDir, "app");
const zipPath = path.join(outDir, "function-app.zip");
// What the Functions host reads: package.json `main` (dist/functions/*.js) and host.json.
const shipped = ["dist", "host.json", "package.json", "package-lock.json"];
// Fixed entry times and sorted entries: the same inputs give the same zip, byte for byte.
const entryTime = new Date("2020-01-01T00:00:00Z");

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

/** Every regular file under `directory`, as a path relative to it with forward slashes. */
function filesUnder(directory, relative = "") {
  return readdirSync(path.join(directory, relative), { withFileTypes: true })
    .flatMap((entry) => {
      const name = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) return filesUnder(directory, name);
      // npm's node_modules/.bin holds links to package scripts the host never runs.
      return entry.isFile() ? [name] : [];
    })
    .sort();
}

if (!existsSync(path.join(root, "dist", "functions"))) fail("dist/functions is missing: run `npm run build` first");

rmSync(staging, { recursive: true, force: true });
rmSync(zipPath, { force: true });
mkdirSync(staging, { recursive: true });
for (const name of shipped) cpSync(path.join(root, name), path.join(staging, name), { recursive: true });

const npm = spawnSync(
  "npm",
  ["ci", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"],
  // npm is npm.cmd on Windows, which only a shell starts.
  { cwd: staging, stdio: "inherit", shell: process.platform === "win32" },
);
if (npm.error !== undefined) fail(`could not run npm: ${npm.error.message}`);
if (npm.status !== 0) fail(`npm ci --omit=dev failed in ${path.relative(root, staging)} (exit ${npm.status})`);

const files = filesUnder(staging);
let unpackedBytes = 0;
const entries = {};
for (const file of files) {
  const bytes = readFileSync(path.join(staging, file));
  unpackedBytes += bytes.byteLength;
  entries[file] = [bytes, { mtime: entryTime }];
}
const zip = zipSync(entries, { level: 9 });
writeFileSync(zipPath, zip);

const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const modules = readdirSync(path.join(staging, "node_modules")).filter((name) => !name.startsWith("."));
console.log(
  `package: ${path.relative(root, zipPath)}: ${files.length} files, ${megabytes(unpackedBytes)} unpacked, ` +
    `${megabytes(zip.byteLength)} zipped; production dependencies only (${modules.length} top-level entries in node_modules)`,
);
