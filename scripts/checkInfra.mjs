// The infrastructure check `npm test` runs first: restores the Bicep CLI for this platform from
// NuGet (once; the package stays in tools/bicep/packages, git-ignored), builds and lints every
// template under infra/ with every diagnostic an error, and fails when the committed ARM template
// behind the "Deploy to Azure" button (infra/azuredeploy.json) is not what main.bicep compiles to.
// On a platform whose CLI cannot be restored here it says which package to restore and how, and
// skips; on CI's platform (linux-x64) it fails instead.
//
//   node scripts/checkInfra.mjs           check (npm run check:infra)
//   node scripts/checkInfra.mjs --write   regenerate infra/azuredeploy.json (npm run infra:build)
import { spawnSync } from "node:child_process";
import console from "node:console";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  bicepExecutablePath,
  bicepPackageId,
  bicepRuntimeFor,
  ciRuntime,
  isMusl,
  unavailableBicepMessage,
} from "./bicepPlatform.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const toolProject = path.join(root, "tools", "bicep", "bicep.csproj");
const infra = path.join(root, "infra");
const committedTemplate = path.join(infra, "azuredeploy.json");

function bicepVersion() {
  const project = readFileSync(toolProject, "utf8");
  const match = /Include="Azure\.Bicep\.CommandLine\.\$\(BicepRuntime\)"\s+Version="\[?([^\]"]+)\]?"/.exec(project);
  if (!match) throw new Error(`${toolProject} names no Azure.Bicep.CommandLine.$(BicepRuntime) version`);
  return match[1];
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8", ...options });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

function fail(message) {
  console.error(`check:infra: ${message}`);
  process.exit(1);
}

/** Skips the check where this platform's CLI cannot be had; CI's platform fails instead. */
function unavailable(runtime, version, reason, detail = "") {
  const machine = `${process.platform}-${process.arch}`;
  if (runtime === ciRuntime) fail(`the Bicep CLI ${version} (${bicepPackageId(runtime)}): ${reason}\n${detail}`);
  console.log(unavailableBicepMessage({ machine, runtime, version, reason }));
  process.exit(0);
}

function restoreBicep() {
  const version = bicepVersion();
  const runtime = bicepRuntimeFor({
    platform: process.platform,
    arch: process.arch,
    musl: process.platform === "linux" && isMusl(process.report?.getReport()),
  });
  if (runtime === undefined) unavailable(undefined, version, "no package for this platform");
  const executable = path.join(
    root,
    "tools/bicep/packages",
    bicepPackageId(runtime).toLowerCase(),
    version,
    bicepExecutablePath(runtime),
  );
  if (!existsSync(executable)) {
    const environment = { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1", DOTNET_NOLOGO: "1" };
    let restored;
    try {
      restored = run("dotnet", ["restore", toolProject, `-p:BicepRuntime=${runtime}`], { env: environment });
    } catch {
      unavailable(runtime, version, "the .NET SDK (dotnet), which restores it, is not installed");
    }
    if (restored.status !== 0 || !existsSync(executable)) {
      const served = /\bNU1101\b/.test(restored.output)
        ? "no configured NuGet source serves it"
        : "dotnet restore failed";
      unavailable(runtime, version, served, restored.output);
    }
  }
  // NuGet does not keep the executable bit.
  if (process.platform !== "win32") chmodSync(executable, 0o755);
  return { executable, version };
}

// Any warning counts, even one from a rule bicepconfig.json does not raise to an error.
function checkDiagnostics(step, result) {
  if (result.status !== 0 || /\bWarning\b/.test(result.output)) {
    fail(`bicep ${step} reported problems:\n${result.output}`);
  }
}

const write = process.argv.includes("--write");
const { executable, version } = restoreBicep();
const outDir = mkdtempSync(path.join(tmpdir(), "avd-signout-bicep-"));
try {
  checkDiagnostics("build", run(executable, ["build", "--pattern", "infra/**/*.bicep", "--outdir", outDir]));
  checkDiagnostics("lint", run(executable, ["lint", "--pattern", "infra/**/*.bicep"]));
  const compiled = readFileSync(path.join(outDir, "main.json"), "utf8");
  if (write) {
    writeFileSync(committedTemplate, compiled);
    console.log(`check:infra: wrote infra/azuredeploy.json (Bicep ${version})`);
  } else if (!existsSync(committedTemplate) || readFileSync(committedTemplate, "utf8") !== compiled) {
    fail("infra/azuredeploy.json is out of date with infra/main.bicep: run `npm run infra:build` and commit it");
  } else {
    console.log(
      `check:infra: every template builds and lints clean; infra/azuredeploy.json is current (Bicep ${version})`,
    );
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
