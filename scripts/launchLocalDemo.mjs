// npm start. Checks Node.js, answers --help and a wrong option at once (nothing is built for
// that), builds (npm run build for dist/, the incremental compile for .build/), then runs the
// built demo, local/startLocalDemo.ts, in this process until Ctrl+C or SIGTERM.
import { exitUnlessSupportedNode } from "./checkNodeVersion.mjs";
// Default imports only until the version is checked: a named import missing from an older
// Node.js would fail before the check could say why.
import childProcess from "node:child_process";
import fs from "node:fs";
import nodeModule from "node:module";
import path from "node:path";
import process from "node:process";
import timers from "node:timers";
import url from "node:url";
import util from "node:util";

exitUnlessSupportedNode();

const projectRoot = path.resolve(path.dirname(url.fileURLToPath(import.meta.url)), "..");
const command = "npm start";

const portOptions = {
  port: ["7071", "the functions host: the app's HTTP functions"],
  "state-port": ["7072", "what the emulated Azure holds now, over HTTP: /sessions, /calls"],
  "arm-port": ["0", "the emulated Azure Resource Manager (HTTPS)"],
  "identity-port": ["0", "the emulated managed-identity endpoint (HTTP)"],
  "blob-port": ["0", "Azurite's blob service"],
  "queue-port": ["0", "Azurite's queue service"],
  "table-port": ["0", "Azurite's table service"],
};

const options = {
  scenario: {
    type: "string",
    default: "demo-tenant",
    value: "<name|file>",
    help: "the emulated tenant: a name in emulator/scenarios or a scenario JSON file",
  },
  ...Object.fromEntries(
    Object.entries(portOptions).map(([name, [defaultPort, help]]) => [
      name,
      { type: "string", default: defaultPort, value: "<port>", help },
    ]),
  ),
  "no-build": {
    type: "boolean",
    default: false,
    help: "run the last build as it is (skips npm run build and npm run compile)",
  },
  help: { type: "boolean", short: "h", default: false, help: "print this and exit" },
};

function usage() {
  const lines = Object.entries(options).map(([name, option]) => {
    const flag = `${option.short === undefined ? "    " : `-${option.short}, `}--${name}${option.value === undefined ? "" : ` ${option.value}`}`;
    return `  ${flag.padEnd(30)}${option.help} (default: ${String(option.default)})`;
  });
  return [
    `Usage: ${command} -- [options]`,
    "",
    "Runs the app on this machine against emulated Azure: the emulator's ARM and managed identity",
    "with a demo tenant, Azurite as the storage account, the built app on the local functions host.",
    "Ctrl+C stops it all. A port of 0 is any free port.",
    "",
    "Options:",
    ...lines,
    "",
  ].join("\n");
}

function fail(message, exitCode) {
  process.stderr.write(`${command}: ${message}\n`);
  process.exit(exitCode);
}

let values;
try {
  const parseOptions = Object.fromEntries(
    Object.entries(options).map(([name, option]) => [
      name,
      { type: option.type, default: option.default, ...(option.short ? { short: option.short } : {}) },
    ]),
  );
  ({ values } = util.parseArgs({ options: parseOptions, strict: true, allowPositionals: false }));
} catch (error) {
  // Node's own message ends with advice about positional arguments that does not fit npm start.
  const sentence = String(error.message).split(". ")[0].replace(/\.$/, "");
  const lowerCased = sentence.charAt(0).toLowerCase() + sentence.slice(1);
  fail(`${lowerCased} (${command} -- --help lists the options)`, 2);
}
if (values.help) {
  process.stdout.write(usage());
  process.exit(0);
}

const ports = {};
for (const name of Object.keys(portOptions)) {
  const text = values[name];
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) fail(`--${name} takes a port number from 0 to 65535, not "${text}"`, 2);
  ports[name] = port;
}
// npm runs scripts in the project folder; a scenario path is meant from where npm start was typed.
const scenario = /[\\/]|\.json$/.test(values.scenario)
  ? path.resolve(process.env.INIT_CWD ?? process.cwd(), values.scenario)
  : values.scenario;

if (!values["no-build"]) {
  const npm = process.env.npm_execpath;
  const steps = [
    ["run", "build"],
    ["run", "compile"],
  ];
  for (const step of steps) {
    const run =
      npm === undefined
        ? childProcess.spawnSync("npm", step, {
            cwd: projectRoot,
            stdio: "inherit",
            shell: process.platform === "win32",
          })
        : childProcess.spawnSync(process.execPath, [npm, ...step], { cwd: projectRoot, stdio: "inherit" });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
}

const entry = path.join(projectRoot, ".build", "local", "startLocalDemo.js");
if (!fs.existsSync(entry) || !fs.existsSync(path.join(projectRoot, "dist"))) {
  fail(`nothing is built yet: run ${command} without --no-build`, 1);
}
const { runLocalDemo } = nodeModule.createRequire(import.meta.url)(entry);

const stop = new globalThis.AbortController();
let signals = 0;
const onSignal = () => {
  signals++;
  // A second Ctrl+C stops at once, as it does in the Functions host.
  if (signals > 1) process.exit(130);
  stop.abort();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
// npm runs this under a shell, and a shell sent SIGTERM dies without passing it on: when the
// process that started this one is gone, stop as if told to.
const parent = process.ppid;
timers
  .setInterval(() => {
    if (process.ppid !== parent) stop.abort();
  }, 1000)
  .unref();

try {
  process.exitCode = await runLocalDemo({ scenario, ports }, stop.signal);
} catch (error) {
  if (error?.name !== "LocalDemoError") throw error;
  fail(error.message, 1);
}
process.exit();
