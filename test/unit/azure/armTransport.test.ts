import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server } from "node:https";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { inspect } from "node:util";
import { after, before, beforeEach, describe, it } from "node:test";
import type { TokenCredential } from "@azure/core-auth";
import { createLocalCertificate } from "../../../emulator/createLocalCertificate";
import { systemClock } from "../../../src/lib/base/clock";
import { configDefaults } from "../../../src/lib/config/appConfig";
import { createAvdArm, type ArmPipelineOptions } from "../../../src/lib/azure/createAvdArm";

// The ARM pipeline over the pipeline's own HTTP client, against a local HTTPS server: what the
// hand-written transport it replaced guaranteed still holds.

const subscription = "11111111-1111-4111-8111-111111111111";
const token = "secret-bearer-token-1234567890";
const credential: TokenCredential = {
  getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

let server: Server;
let endpoint: string;
let caCertificatePem: string;
let answer: (request: IncomingMessage, response: ServerResponse) => void;
const received: IncomingMessage[] = [];
const sockets: Socket[] = [];

before(async () => {
  const certificate = await createLocalCertificate();
  caCertificatePem = certificate.caCertificatePem;
  server = createServer({ cert: certificate.certificatePem, key: certificate.privateKeyPem }, (request, response) => {
    received.push(request);
    answer(request, response);
  });
  server.on("secureConnection", (socket: Socket) => sockets.push(socket));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  received.length = 0;
  sockets.length = 0;
  server.closeAllConnections();
});

function arm(options: ArmPipelineOptions = {}, maxInFlight = 4) {
  return createAvdArm(
    credential,
    {
      resourceManagerEndpoint: endpoint,
      tokenScope: "https://management.azure.com/.default",
      subscriptionIds: [subscription],
      armBudget: {
        read: { burst: 1000, perSecond: 1000 },
        delete: { burst: 1000, perSecond: 1000 },
        write: { burst: 1000, perSecond: 1000 },
        maxInFlight,
      },
    },
    systemClock,
    { tlsOptions: { ca: caCertificatePem }, retryOptions: { retryDelayInMs: 1, maxRetryDelayInMs: 2 }, ...options },
  ).arm;
}

const listHostPools = (client: ReturnType<typeof arm>, abortSignal = new AbortController().signal) =>
  client.listHostPools(subscription, { abortSignal });

const page = JSON.stringify({
  value: [
    {
      id: `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp`,
      name: "hp",
    },
  ],
});

describe("the ARM transport", { timeout: 20_000 }, () => {
  it("keeps its connections alive: consecutive calls share one socket, and the token goes with each", async () => {
    answer = (_request, response) => response.end(page);
    const client = arm();
    for (let call = 0; call < 3; call++) assert.equal((await listHostPools(client)).length, 1);
    assert.equal(sockets.length, 1);
    assert.deepEqual(
      received.map((request) => request.headers.authorization),
      [`Bearer ${token}`, `Bearer ${token}`, `Bearer ${token}`],
    );
    assert.match(String(received[0]?.headers["accept-encoding"]), /gzip/);
  });

  it("opens no more sockets than the instance's AVD_ARM_MAX_SOCKETS", async () => {
    const held: ServerResponse[] = [];
    answer = (_request, response) => held.push(response);
    const client = arm({}, 2);
    const calls = Array.from({ length: 5 }, () => listHostPools(client));
    while (held.length < 2) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sockets.length, 2);
    answer = (_request, response) => response.end(page);
    for (const response of held) response.end(page);
    assert.deepEqual(
      (await Promise.all(calls)).map((pools) => pools.length),
      [1, 1, 1, 1, 1],
    );
    assert.equal(sockets.length, 2);
    assert.equal(configDefaults.armMaxSockets > 2, true);
  });

  it("drops the connection when the request's signal aborts mid-answer, and rejects with an AbortError", async () => {
    answer = (_request, response) => {
      response.writeHead(200, { "content-length": "1000" });
      response.write('{"value":[');
    };
    const controller = new AbortController();
    const listing = listHostPools(arm(), controller.signal);
    while (received.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const socket = sockets[0]!;
    socket.on("error", () => undefined);
    const closed = new Promise((resolve) => socket.once("close", resolve));
    controller.abort();
    await assert.rejects(listing, { name: "AbortError" });
    await closed;
  });

  it("retries an answer cut off by a dropped connection, and never reads the part it got", async () => {
    answer = (_request, response) => {
      response.writeHead(200, { "content-length": String(page.length) });
      response.write(page.slice(0, 20), () => response.socket?.destroy());
    };
    await assert.rejects(listHostPools(arm({ retryOptions: { maxRetries: 2, retryDelayInMs: 1 } })), {
      name: "RestError",
      code: "ECONNRESET",
    });
    assert.equal(received.length, 3, "the first attempt and two retries");

    let attempts = 0;
    answer = (_request, response) => {
      attempts++;
      if (attempts === 1) {
        response.writeHead(200, { "content-length": String(page.length) });
        response.write(page.slice(0, 20), () => response.socket?.destroy());
      } else {
        response.end(page);
      }
    };
    assert.equal((await listHostPools(arm())).length, 1);
  });

  it("fails without the bearer token anywhere in the error, whether the connection drops before or during the answer", async () => {
    for (const drop of [
      (response: ServerResponse) => response.socket?.destroy(),
      (response: ServerResponse) => {
        response.writeHead(200, { "content-length": "100" });
        response.write("{", () => response.socket?.destroy());
      },
    ]) {
      answer = (_request, response) => drop(response);
      const error: unknown = await listHostPools(arm({ retryOptions: { maxRetries: 0 } })).catch(
        (caught: unknown) => caught,
      );
      assert.equal((error as { code?: string }).code, "ECONNRESET");
      assert.ok(!inspect(error, { depth: 10, showHidden: true }).includes(token));
      assert.ok(!JSON.stringify(error).includes(token));
      assert.equal((error as { request?: unknown }).request, undefined);
    }
  });

  it("sends through the proxy it is given rather than its own agent", async () => {
    const tunnels: string[] = [];
    const proxy = createHttpServer();
    proxy.on("connect", (request: IncomingMessage, client: Socket) => {
      tunnels.push(request.url ?? "");
      const [host, port] = (request.url ?? "").split(":");
      const upstream = connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
    proxy.listen(0, "127.0.0.1");
    await once(proxy, "listening");
    try {
      answer = (_request, response) => response.end(page);
      const proxied = arm({
        proxyOptions: { host: "http://127.0.0.1", port: (proxy.address() as AddressInfo).port },
      });
      // The proxy's agent trusts the system's CAs only (the pipeline ignores tlsOptions behind a
      // proxy), so the emulator's certificate fails the call — after the tunnel was asked for.
      await assert.rejects(listHostPools(proxied, new AbortController().signal), { name: "RestError" });
      assert.deepEqual(tunnels, [new URL(endpoint).host]);
      assert.equal(received.length, 0);
    } finally {
      proxy.closeAllConnections();
      proxy.close();
    }
  });
});
