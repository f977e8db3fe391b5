import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";

interface Ready {
  readonly functionsUrl: string;
  readonly stateUrl: string;
  readonly functionKey: string;
  /** The demo's own process, the functions host and Azurite. */
  readonly pids: readonly number[];
}

interface StateSession {
  readonly userPrincipalName: string;
}

const projectRoot = path.resolve(__dirname, "..", "..", "..");
// The demo's temporary folders go here (os.tmpdir() follows TMPDIR), so the test sees exactly its own.
const demoTmp = mkdtempSync(path.join(tmpdir(), "avd-demo-test-"));
let demo: ChildProcess;
let exited: Promise<number | null>;
let ready: Ready;
const printed: string[] = [];

before(async () => {
  // The command `npm start` runs, on free ports, without building again (npm test has built).
  demo = spawn(
    process.execPath,
    [path.join(projectRoot, "scripts", "launchLocalDemo.mjs"), "--no-build", "--port", "0", "--state-port", "0"],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, TMPDIR: demoTmp } },
  );
  exited = new Promise((resolve) => demo.once("exit", (code) => resolve(code)));
  ready = await new Promise<Ready>((resolve, reject) => {
    demo.once("exit", (code) => reject(new Error(`the local demo exited with ${code}`)));
    createInterface({ input: demo.stdout! }).on("line", (line) => {
      printed.push(line);
      if (line.startsWith('{"ready":true')) resolve(JSON.parse(line) as Ready);
    });
  });
});

after(async () => {
  if (demo.exitCode === null && demo.signalCode === null) demo.kill("SIGKILL");
  await exited;
  rmSync(demoTmp, { recursive: true, force: true });
});

async function signOut(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${ready.functionsUrl}/api/avd/user-signout`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

async function sessions(): Promise<StateSession[]> {
  return (await (await fetch(`${ready.stateUrl}/sessions`)).json()) as StateSession[];
}

describe("the local demo (npm start)", () => {
  it("prints ready-to-paste curl examples with the function key", () => {
    const curls = printed.filter((line) => line.startsWith("curl "));
    assert.ok(curls.length >= 4);
    assert.ok(
      curls
        .filter((line) => line.includes("-X POST"))
        .every((line) => line.includes(`x-functions-key: ${ready.functionKey}`)),
    );
  });

  it("prints the Azurite endpoints the app uses as AzureWebJobsStorage", () => {
    assert.ok(
      printed.some((line) =>
        /^Azurite \(AzureWebJobsStorage\): queues http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1/.test(line),
      ),
    );
  });

  it("refuses a call without the function key, like the Functions host", async () => {
    assert.equal((await signOut('{"userPrincipalName":"alice@contoso.com"}')).status, 401);
    assert.equal(
      (await signOut('{"userPrincipalName":"alice@contoso.com"}', { "x-functions-key": "wrong" })).status,
      401,
    );
    assert.ok((await sessions()).some((session) => session.userPrincipalName === "alice@contoso.com"));
  });

  it("signs the demo user out through the registered function, the managed identity and HTTPS ARM", async () => {
    const key = { "x-functions-key": ready.functionKey };
    const before = await sessions();
    const dry = await signOut('{"userPrincipalName":"alice@contoso.com","dryRun":true}', key);
    assert.equal(dry.status, 200);
    assert.deepEqual(await sessions(), before);

    const response = await signOut('{"userPrincipalName":"alice@contoso.com"}', key);
    assert.equal(response.status, 200);
    const report = (await response.json()) as { counts: { signedOut: number } };
    const after = await sessions();
    assert.ok(report.counts.signedOut > 0);
    assert.equal(before.length - after.length, report.counts.signedOut);
    assert.ok(!after.some((session) => session.userPrincipalName.toLowerCase() === "alice@contoso.com"));
    assert.ok(after.some((session) => session.userPrincipalName === "alice@contoso.com.evil.example"));
  });

  it("answers an invalid request with 400 naming the field", async () => {
    const response = await signOut('{"userPrincipleName":"alice@contoso.com"}', {
      "x-functions-key": ready.functionKey,
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { details: Array<{ field: string }> } };
    assert.deepEqual(body.error.details.map((detail) => detail.field).sort(), [
      "userPrincipalName",
      "userPrincipleName",
    ]);
  });

  it("prints an asynchronous call and its polling, and the call answers 202 with a Location that needs no key", async () => {
    assert.ok(printed.some((line) => line.startsWith("loc=$(curl ") && line.includes("Prefer: respond-async")));
    assert.ok(printed.some((line) => line.startsWith("while ") && line.includes('"$loc"')));
    const accepted = await signOut('{"userPrincipalName":"erin@contoso.com"}', {
      "x-functions-key": ready.functionKey,
      prefer: "respond-async",
    });
    assert.equal(accepted.status, 202);
    const location = accepted.headers.get("location")!;
    assert.ok(location.startsWith(`${ready.functionsUrl}/api/avd/user-signout/operations/`), location);
    let answer = await fetch(location);
    for (let poll = 0; poll < 300 && answer.status === 202; poll++) {
      await answer.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await fetch(location);
    }
    assert.equal(answer.status, 200);
    assert.ok(!(await sessions()).some((session) => session.userPrincipalName === "erin@contoso.com"));
  });

  // Last: it stops the demo the other tests use.
  it("stops on Ctrl+C (SIGINT) leaving no temporary folder and no process behind", async () => {
    assert.ok(readdirSync(demoTmp).length > 0, "the running demo keeps its CA and Azurite's data in TMPDIR");
    demo.kill("SIGINT");
    assert.equal(await exited, 0);
    assert.deepEqual(readdirSync(demoTmp), []);
    assert.deepEqual(ready.pids.filter(isAlive), []);
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
