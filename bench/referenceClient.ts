import { Agent, request } from "node:https";
import tls from "node:tls";
import type { ReferenceMessage, ReferenceRequest, ReferenceRun } from "./referenceClientProtocol";

/**
 * The best a client can physically do against the same emulator: the app's calls (host pools per
 * subscription, each pool's sessions unfiltered as the app's default strategy lists them, DELETE
 * each match) over raw HTTPS with keep-alive and no SDK, no validation, no budget. Its own process,
 * kept warm between runs as the app's instance is. The emulator's CA comes in through
 * NODE_EXTRA_CA_CERTS, as for the app.
 */
const apiVersion = "2024-04-03";
const sockets = Number(process.env.BENCH_REFERENCE_SOCKETS ?? "1024");
const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
let tlsConnections = 0;
const connect = tls.connect;
// Counting only: every connection still goes through the real tls.connect.
tls.connect = function countedConnect(this: unknown, ...args: unknown[]) {
  tlsConnections++;
  return (connect as (...a: unknown[]) => tls.TLSSocket).apply(this, args);
};

interface Page {
  readonly value: { id: string; properties?: { userPrincipalName?: string } }[];
  readonly nextLink?: string | null;
}

/** A kept-alive socket the server closed meanwhile fails at once: such a request is sent again, once. */
async function call(method: string, url: string, token: string): Promise<{ status: number; text: string }> {
  try {
    return await send(method, url, token);
  } catch (error) {
    if ((error as { reusedSocket?: boolean }).reusedSocket !== true) throw error;
    return send(method, url, token);
  }
}

function send(method: string, url: string, token: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => {
        resolve({ status: response.statusCode ?? 0, text });
      });
      response.on("error", reject);
    });
    outgoing.on("error", (error: Error & { reusedSocket?: boolean }) => {
      error.reusedSocket = outgoing.reusedSocket && (error as NodeJS.ErrnoException).code === "ECONNRESET";
      reject(error);
    });
    outgoing.end();
  });
}

async function listAll(url: string, token: string): Promise<Page["value"]> {
  const items: Page["value"] = [];
  let next: string | undefined = url;
  while (next !== undefined) {
    const answer = await call("GET", next, token);
    if (answer.status !== 200) throw new Error(`GET ${next}: HTTP ${answer.status}`);
    const page = JSON.parse(answer.text) as Page;
    items.push(...page.value);
    next = page.nextLink ?? undefined;
  }
  return items;
}

async function run(message: ReferenceRequest): Promise<ReferenceRun> {
  const { armEndpoint, token, subscriptionIds } = message;
  const target = message.userPrincipalName.toLowerCase();
  const connectionsBefore = tlsConnections;
  const cpuBefore = process.cpuUsage();
  const startedMs = performance.now();
  let calls = 0;
  let deleted = 0;
  await Promise.all(
    subscriptionIds.map(async (subscriptionId) => {
      calls++;
      const pools = await listAll(
        `${armEndpoint}/subscriptions/${subscriptionId}/providers/Microsoft.DesktopVirtualization/hostPools?api-version=${apiVersion}`,
        token,
      );
      await Promise.all(
        pools.map(async (pool) => {
          calls++;
          const sessions = await listAll(`${armEndpoint}${pool.id}/userSessions?api-version=${apiVersion}`, token);
          const mine = sessions.filter((session) => session.properties?.userPrincipalName?.toLowerCase() === target);
          await Promise.all(
            mine.map(async (session) => {
              calls++;
              const answer = await call(
                "DELETE",
                `${armEndpoint}${session.id}?api-version=${apiVersion}&force=true`,
                token,
              );
              if (answer.status === 200 || answer.status === 204) deleted++;
            }),
          );
        }),
      );
    }),
  );
  const wallMs = performance.now() - startedMs;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    type: "referenceDone",
    requestId: message.requestId,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    calls,
    deleted,
    newTlsConnections: tlsConnections - connectionsBefore,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

function reply(message: ReferenceMessage): void {
  process.send?.(message);
}

process.on("message", (message: ReferenceRequest) => {
  run(message).then(reply, (error: unknown) => reply({ type: "fault", message: String(error) }));
});
process.on("disconnect", () => process.exit(0));
reply({ type: "ready" });
