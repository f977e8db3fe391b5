import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, Agent, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { createLocalCertificate } from "../../../emulator/createLocalCertificate";
import { createArmHttpClient, unsupportedRequestCode } from "../../../src/lib/azure/armHttpClient";
import { eventually } from "../../support/manualClock";

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

let server: Server;
let endpoint: string;
let agent: Agent;
const received: Received[] = [];
let answer: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => response.end();
const closedSockets: string[] = [];

before(async () => {
  const certificate = await createLocalCertificate();
  server = createServer({ cert: certificate.certificatePem, key: certificate.privateKeyPem }, (request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      received.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
      answer(request, response);
    });
  });
  server.on("secureConnection", (socket) => socket.on("close", () => closedSockets.push("closed")));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  agent = new Agent({ keepAlive: true, ca: certificate.caCertificatePem });
});
after(() => {
  agent.destroy();
  server.closeAllConnections();
  server.close();
});

function client() {
  return createArmHttpClient(endpoint, agent);
}

// A bound, not a timing assertion: a broken abort would otherwise wait forever.
describe("the ARM transport", { timeout: 10_000 }, () => {
  it("sends the method, path, headers and a string body, and reads the status, headers and text of the answer", async () => {
    received.length = 0;
    answer = (_request, response) => {
      response.writeHead(202, { "retry-after": "7", "content-type": "application/json" });
      response.end(JSON.stringify({ ok: "ünïcødé" }));
    };
    const response = await client().sendRequest(
      createPipelineRequest({
        url: `${endpoint}/subscriptions/s/x/sendMessage?api-version=2024-04-03`,
        method: "POST",
        body: JSON.stringify({ messageBody: "Sign out now — ☕" }),
        headers: createHttpHeaders({ "content-type": "application/json", authorization: "Bearer t" }),
      }),
    );
    assert.equal(response.status, 202);
    assert.equal(response.headers.get("retry-after"), "7");
    assert.equal(response.bodyAsText, JSON.stringify({ ok: "ünïcødé" }));
    assert.deepEqual(
      received.map((r) => [r.method, r.url, r.body, r.headers["content-length"], r.headers.authorization]),
      [
        [
          "POST",
          "/subscriptions/s/x/sendMessage?api-version=2024-04-03",
          JSON.stringify({ messageBody: "Sign out now — ☕" }),
          String(Buffer.byteLength(JSON.stringify({ messageBody: "Sign out now — ☕" }))),
          "Bearer t",
        ],
      ],
    );
  });

  it("reaches the same path when the URL spells the origin differently", async () => {
    received.length = 0;
    answer = (_request, response) => response.end("{}");
    const spelled = endpoint.replace("https://127.0.0.1", "HTTPS://127.0.0.1");
    const response = await client().sendRequest(createPipelineRequest({ url: `${spelled}/a/b?c=d`, method: "GET" }));
    assert.equal(response.status, 200);
    assert.deepEqual(
      received.map((r) => r.url),
      ["/a/b?c=d"],
    );
  });

  it("rejects with an AbortError and drops the connection when the request's signal aborts in flight", async () => {
    received.length = 0;
    const closedBefore = closedSockets.length;
    let respond: (() => void) | undefined;
    answer = (_request, response) => {
      respond = () => response.end("{}");
    };
    const controller = new AbortController();
    const sent = client().sendRequest(
      createPipelineRequest({ url: `${endpoint}/slow`, method: "GET", abortSignal: controller.signal }),
    );
    await eventually(() => received.length > 0, "the request to reach the server");
    controller.abort();
    await assert.rejects(sent, { name: "AbortError" });
    await eventually(() => closedSockets.length > closedBefore, "the connection to be closed");
    respond?.();
  });

  it("rejects a body cut off by a dropped connection instead of answering with the part it read", async () => {
    answer = (_request, response) => {
      response.writeHead(200, { "content-length": "100" });
      response.write('{"value":[', () => response.socket?.destroy());
    };
    await assert.rejects(client().sendRequest(createPipelineRequest({ url: `${endpoint}/cut`, method: "GET" })), {
      name: "RestError",
      code: "ECONNRESET",
    });
  });

  it("refuses, before sending, a body that is not a string", async () => {
    received.length = 0;
    await assert.rejects(
      client().sendRequest(
        createPipelineRequest({ url: `${endpoint}/x`, method: "POST", body: Buffer.from("binary") }),
      ),
      { code: unsupportedRequestCode },
    );
    assert.equal(received.length, 0);
  });
});
