import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readScenarioFile } from "./readScenarioFile";
import { startEmulator } from "./startEmulator";

/**
 * `node .build/emulator/cli.js [scenario.json | name in emulator/scenarios] [--arm-port N] [--identity-port N] [--ca-file path]`
 * Starts the emulator and prints, as one JSON line, what a local runner needs: the endpoints, the
 * identity secret and where the CA PEM was written (for NODE_EXTRA_CA_CERTS or `tlsOptions.ca`).
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "arm-port": { type: "string" },
      "identity-port": { type: "string" },
      "ca-file": { type: "string" },
    },
  });
  const scenarioPath = positionals[0] ?? "demo-tenant";
  const emulator = await startEmulator({
    scenario: readScenarioFile(scenarioPath),
    armPort: Number(values["arm-port"] ?? 0),
    identityPort: Number(values["identity-port"] ?? 0),
  });
  const caFile = values["ca-file"] ?? join(process.cwd(), "emulator-ca.pem");
  writeFileSync(caFile, emulator.caCertificatePem);
  process.stdout.write(
    `${JSON.stringify({
      scenario: scenarioPath,
      armEndpoint: emulator.armEndpoint,
      identityEndpoint: emulator.identityEndpoint,
      identityHeader: emulator.identityHeader,
      caFile,
    })}\n`,
  );
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
