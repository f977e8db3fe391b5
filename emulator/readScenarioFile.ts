import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveScenario } from "./resolveScenario";
import type { Scenario } from "./scenario";

/** The scenarios shipped in emulator/scenarios: tsc does not copy them, so the compiled code looks back at the sources. */
export const scenariosDirectory =
  [join(__dirname, "scenarios"), join(__dirname, "..", "..", "emulator", "scenarios")].find((candidate) =>
    existsSync(candidate),
  ) ?? join(__dirname, "scenarios");

/** Reads and validates a scenario file; a bare name (`demo-tenant`) is looked up in emulator/scenarios. */
export function readScenarioFile(pathOrName: string): Scenario {
  const path = /[\\/]|\.json$/.test(pathOrName) ? pathOrName : join(scenariosDirectory, `${pathOrName}.json`);
  const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
  resolveScenario(parsed);
  return parsed as Scenario;
}
