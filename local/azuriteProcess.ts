import { rmSync } from "node:fs";
import { pathToFileURL } from "node:url";

/**
 * Azurite's own process (started by startAzurite.ts): runs the azurite package's command line here
 * and ends it, its folder removed, once the process that started it is gone. That closes this
 * process's stdin, even when the starter was killed outright and could clean up nothing itself.
 */
const [entry, ...args] = process.argv.slice(2);
if (entry === undefined) throw new Error("usage: azuriteProcess.js <azurite entry> [azurite arguments]");
const location = args[args.indexOf("--location") + 1];
process.stdin.once("end", () => {
  if (location !== undefined && args.includes("--location")) rmSync(location, { recursive: true, force: true });
  process.exit(0);
});
// Listening, not holding: once Azurite has shut down (SIGTERM, SIGINT), nothing else keeps this process.
process.stdin.resume().unref();
process.argv = [process.argv[0]!, entry, ...args];
void import(pathToFileURL(entry).href);
