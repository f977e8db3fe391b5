// Which Bicep CLI package serves this machine, and what to say when it cannot be had. The CLI is a
// single native executable published on NuGet once per platform, as
// Azure.Bicep.CommandLine.<runtime>; tools/bicep/bicep.csproj restores the one its BicepRuntime
// property names (linux-x64 unless told otherwise). Used by scripts/checkInfra.mjs; unit-tested by
// test/unit/infra/bicepPlatform.test.ts.

/** The runtimes Bicep publishes a CLI package for, by Node's platform and architecture. */
const runtimes = {
  "linux-x64": "linux-x64",
  "linux-arm64": "linux-arm64",
  "linux-musl-x64": "linux-musl-x64",
  "darwin-x64": "osx-x64",
  "darwin-arm64": "osx-arm64",
  "win32-x64": "win-x64",
  "win32-arm64": "win-arm64",
};

/** The runtime CI runs on: there, a CLI that cannot be restored fails the check instead of skipping it. */
export const ciRuntime = "linux-x64";

/**
 * The NuGet runtime name of the Bicep CLI for a machine, or undefined when Bicep publishes none
 * (e.g. 32-bit, FreeBSD, musl on arm64).
 */
export function bicepRuntimeFor({ platform, arch, musl = false }) {
  const key = platform === "linux" && musl ? `linux-musl-${arch}` : `${platform}-${arch}`;
  return Object.hasOwn(runtimes, key) ? runtimes[key] : undefined;
}

export function bicepPackageId(runtime) {
  return `Azure.Bicep.CommandLine.${runtime}`;
}

/** Where the restored package keeps the executable, relative to the package's version folder. */
export function bicepExecutablePath(runtime) {
  return runtime.startsWith("win-") ? "tools/bicep.exe" : "tools/bicep";
}

/** musl (Alpine) rather than glibc: Node's report names a glibc version only on glibc. */
export function isMusl(report) {
  return report?.header?.glibcVersionRuntime === undefined;
}

/**
 * What `npm test` prints instead of failing when this platform's CLI cannot be restored: which
 * package serves this machine, the command that restores it, and that CI runs the full check.
 */
export function unavailableBicepMessage({ machine, runtime, version, reason }) {
  const lines =
    runtime === undefined
      ? [
          `check:infra: skipped: Bicep publishes no CLI package for ${machine}, so the templates under infra/ are not built or linted here.`,
        ]
      : [
          `check:infra: skipped: the Bicep CLI for ${machine} is the NuGet package ${bicepPackageId(runtime)} ${version}, and it could not be restored (${reason}).`,
          `  Restore it from a NuGet source that serves it (the .NET SDK is needed), then run npm test again:`,
          `    dotnet restore tools/bicep/bicep.csproj -p:BicepRuntime=${runtime}`,
          `  The package lands in tools/bicep/packages/ (git-ignored); the version is pinned in tools/bicep/bicep.csproj.`,
        ];
  return [
    ...lines,
    `  CI (${ciRuntime}) runs the full check: every template built and linted, infra/azuredeploy.json compared with infra/main.bicep.`,
  ].join("\n");
}
