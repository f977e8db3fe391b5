import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";

const projectRoot = path.resolve(__dirname, "..", "..", "..");
const launcher = path.join(projectRoot, "scripts", "launchLocalDemo.mjs");
const folders: string[] = [];

after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function freshFolder(prefix: string): string {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

interface Finished {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end; the demo's temporary folders go to `tmp` (os.tmpdir() follows TMPDIR). */
function run(command: string, args: readonly string[], tmp: string, cwd = projectRoot): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, TMPDIR: tmp }, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** The launcher with its ports free (0) unless the test names them; --no-build: npm test has built. */
function startDemo(args: readonly string[], tmp: string): Promise<Finished> {
  return run(process.execPath, [launcher, "--no-build", "--port", "0", "--state-port", "0", ...args], tmp);
}

function oneLine(text: string): string {
  const lines = text.split("\n").filter((line) => line !== "");
  assert.equal(lines.length, 1, `one line expected, got:\n${text}`);
  return lines[0]!;
}

describe("npm start's command line", () => {
  it("prints every option with its default and exits 0, before and without any build", async () => {
    // A folder holding only what npm start reads first: no dependencies, nothing compiled.
    const bare = freshFolder("avd-start-help-");
    mkdirSync(path.join(bare, "scripts"));
    for (const file of ["package.json", ".nvmrc", "scripts/launchLocalDemo.mjs", "scripts/checkNodeVersion.mjs"]) {
      copyFileSync(path.join(projectRoot, file), path.join(bare, file));
    }
    const result = await run(process.execPath, [path.join(bare, "scripts", "launchLocalDemo.mjs"), "--help"], bare);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, "");
    const expected = [
      ["--scenario <name|file>", "demo-tenant"],
      ["--port <port>", "7071"],
      ["--state-port <port>", "7072"],
      ["--arm-port <port>", "0"],
      ["--identity-port <port>", "0"],
      ["--blob-port <port>", "0"],
      ["--queue-port <port>", "0"],
      ["--table-port <port>", "0"],
      ["--no-build", "false"],
      ["-h, --help", "false"],
    ];
    const optionLines = result.stdout.split("\n").filter((line) => /^ {2}\s*-/.test(line));
    assert.equal(optionLines.length, expected.length, result.stdout);
    for (const [option, byDefault] of expected) {
      assert.ok(
        optionLines.some((line) => line.trim().startsWith(option!) && line.endsWith(`(default: ${byDefault})`)),
        `${option} (default: ${byDefault}) in:\n${result.stdout}`,
      );
    }
  });

  it("refuses an unknown option in one line, exit 2, naming it", async () => {
    const tmp = freshFolder("avd-start-unknown-");
    const result = await startDemo(["--prot", "7071"], tmp);
    assert.equal(result.status, 2);
    assert.match(
      oneLine(result.stderr),
      /^npm start: unknown option '--prot' \(npm start -- --help lists the options\)$/,
    );
    assert.equal(result.stdout, "");
  });

  it("refuses a port that is not a number in one line, exit 2", async () => {
    const result = await startDemo(["--queue-port", "10001x"], freshFolder("avd-start-port-"));
    assert.equal(result.status, 2);
    assert.match(oneLine(result.stderr), /--queue-port takes a port number from 0 to 65535, not "10001x"/);
  });

  it("names a missing scenario file in one line, exit 1, and starts nothing", async () => {
    const tmp = freshFolder("avd-start-scenario-");
    const missing = path.join(tmp, "no-such-tenant.json");
    const byPath = await startDemo(["--scenario", missing], tmp);
    assert.equal(byPath.status, 1);
    assert.equal(
      oneLine(byPath.stderr),
      `npm start: --scenario ${missing}: no such file; give a scenario name (demo-tenant, real-tenant) or the path of a scenario JSON file`,
    );
    const byName = await startDemo(["--scenario", "no-such-tenant"], tmp);
    assert.equal(byName.status, 1);
    assert.match(oneLine(byName.stderr), /--scenario no-such-tenant: no scenario of that name in emulator\/scenarios/);
    assert.deepEqual(readdirSync(tmp), []);
  });

  describe("a port that is in use", () => {
    let occupied: Server;
    let port: number;
    before(async () => {
      occupied = createServer();
      await new Promise<void>((resolve) => occupied.listen(0, "127.0.0.1", resolve));
      port = (occupied.address() as AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => occupied.close(() => resolve())));

    for (const option of ["port", "state-port", "arm-port", "identity-port", "blob-port", "queue-port", "table-port"]) {
      it(`--${option}: one line naming the option and the port, exit 1, nothing left behind`, async () => {
        const tmp = freshFolder("avd-start-busy-");
        const result = await startDemo([`--${option}`, String(port)], tmp);
        assert.equal(result.status, 1);
        assert.equal(
          oneLine(result.stderr),
          `npm start: --${option} ${port} is in use: stop what listens there, or pick another port with --${option} (0: any free one)`,
        );
        assert.deepEqual(readdirSync(tmp), []);
      });
    }
  });

  it("stops everything when npm start itself is sent SIGTERM", { timeout: 120_000 }, async () => {
    // npm hands SIGTERM to the shell that runs the script, and the shell dies without passing it on.
    const tmp = freshFolder("avd-start-sigterm-");
    const npm = process.env.npm_execpath;
    const npmArgs = ["start", "--silent", "--", "--no-build", "--port", "0", "--state-port", "0"];
    const child =
      npm === undefined
        ? spawn("npm", npmArgs, { cwd: projectRoot, env: { ...process.env, TMPDIR: tmp }, stdio: "pipe" })
        : spawn(process.execPath, [npm, ...npmArgs], { cwd: projectRoot, env: { ...process.env, TMPDIR: tmp } });
    // Every process of the demo writes to this pipe: it closes once the last of them has exited.
    const allGone = new Promise<void>((resolve) => child.stdout.once("close", () => resolve()));
    child.stderr.resume();
    const pids = await new Promise<number[]>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`npm start exited with ${code} before the demo was ready`)));
      createInterface({ input: child.stdout }).on("line", (line) => {
        if (line.startsWith('{"ready":true')) resolve((JSON.parse(line) as { pids: number[] }).pids);
      });
    });
    child.removeAllListeners("exit");
    assert.ok(readdirSync(tmp).length > 0);
    child.kill("SIGTERM");
    await allGone;
    // npm keeps Node's compile cache in TMPDIR on purpose; it is npm's, not the demo's.
    assert.deepEqual(
      readdirSync(tmp).filter((entry) => entry !== "node-compile-cache"),
      [],
    );
    // The demo's own process was adopted when the shell died; the ones it started it saw exit itself.
    assert.deepEqual(pids.slice(1).filter(isAlive), []);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
