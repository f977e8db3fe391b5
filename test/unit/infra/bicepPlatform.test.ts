import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { repositoryRoot } from "./armTemplate";

/** scripts/bicepPlatform.mjs, which scripts/checkInfra.mjs runs before anything is compiled. */
interface BicepPlatform {
  readonly ciRuntime: string;
  bicepRuntimeFor(machine: { platform: string; arch: string; musl?: boolean }): string | undefined;
  bicepPackageId(runtime: string): string;
  bicepExecutablePath(runtime: string): string;
  isMusl(report: unknown): boolean;
  unavailableBicepMessage(details: {
    machine: string;
    runtime: string | undefined;
    version: string;
    reason: string;
  }): string;
}

let bicep: BicepPlatform;
before(async () => {
  bicep = (await import(
    pathToFileURL(path.join(repositoryRoot, "scripts", "bicepPlatform.mjs")).href
  )) as BicepPlatform;
});

describe("the Bicep CLI package for each platform (scripts/bicepPlatform.mjs)", () => {
  it("maps every platform Bicep publishes a CLI for to its NuGet package", () => {
    const machines: [string, string, boolean, string][] = [
      ["linux", "x64", false, "Azure.Bicep.CommandLine.linux-x64"],
      ["linux", "arm64", false, "Azure.Bicep.CommandLine.linux-arm64"],
      ["linux", "x64", true, "Azure.Bicep.CommandLine.linux-musl-x64"],
      ["darwin", "x64", false, "Azure.Bicep.CommandLine.osx-x64"],
      ["darwin", "arm64", false, "Azure.Bicep.CommandLine.osx-arm64"],
      ["win32", "x64", false, "Azure.Bicep.CommandLine.win-x64"],
      ["win32", "arm64", false, "Azure.Bicep.CommandLine.win-arm64"],
    ];
    for (const [platform, arch, musl, packageId] of machines) {
      const runtime = bicep.bicepRuntimeFor({ platform, arch, musl });
      assert.ok(runtime !== undefined, `${platform}-${arch}`);
      assert.equal(bicep.bicepPackageId(runtime), packageId);
    }
  });

  it("names no package where Bicep publishes none", () => {
    for (const [platform, arch, musl] of [
      ["linux", "ia32", false],
      ["linux", "arm64", true],
      ["freebsd", "x64", false],
      ["win32", "ia32", false],
      ["aix", "ppc64", false],
    ] as const) {
      assert.equal(bicep.bicepRuntimeFor({ platform, arch, musl }), undefined, `${platform}-${arch}`);
    }
  });

  it("finds bicep.exe on Windows and bicep elsewhere", () => {
    assert.equal(bicep.bicepExecutablePath("win-arm64"), "tools/bicep.exe");
    assert.equal(bicep.bicepExecutablePath("osx-arm64"), "tools/bicep");
  });

  it("tells musl from glibc by the runtime glibc version Node reports", () => {
    assert.equal(bicep.isMusl({ header: { glibcVersionRuntime: "2.36" } }), false);
    assert.equal(bicep.isMusl({ header: {} }), true);
  });

  it("keeps CI's platform the one the committed project restores by default", () => {
    assert.equal(bicep.ciRuntime, "linux-x64");
    const project = readFileSync(path.join(repositoryRoot, "tools", "bicep", "bicep.csproj"), "utf8");
    assert.match(project, /<BicepRuntime Condition="'\$\(BicepRuntime\)' == ''">linux-x64<\/BicepRuntime>/);
    assert.match(project, /Include="Azure\.Bicep\.CommandLine\.\$\(BicepRuntime\)"/);
  });

  it("says which package to restore on a Mac, with the command, and that CI runs the full check", () => {
    const message = bicep.unavailableBicepMessage({
      machine: "darwin-arm64",
      runtime: "osx-arm64",
      version: "0.49.2",
      reason: "no configured NuGet source serves it",
    });
    assert.match(message, /^check:infra: skipped: /);
    assert.match(message, /Azure\.Bicep\.CommandLine\.osx-arm64 0\.49\.2/);
    assert.match(message, /no configured NuGet source serves it/);
    assert.match(message, /^ {4}dotnet restore tools\/bicep\/bicep\.csproj -p:BicepRuntime=osx-arm64$/m);
    assert.match(message, /CI \(linux-x64\) runs the full check/);
  });

  it("says plainly when no package exists for the platform", () => {
    const message = bicep.unavailableBicepMessage({
      machine: "freebsd-x64",
      runtime: undefined,
      version: "0.49.2",
      reason: "no package for this platform",
    });
    assert.match(message, /Bicep publishes no CLI package for freebsd-x64/);
    assert.doesNotMatch(message, /dotnet restore/);
    assert.match(message, /CI \(linux-x64\) runs the full check/);
  });
});
