import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for the Table service's front end, in front of Azurite: requests pass through
 * unchanged, except that a test can make the service unavailable (503 ServerBusy, as Azure Storage
 * answers under load) or hold the answer to a write after Azurite has applied it — so that a host
 * killed then has made exactly that write and learnt nothing of it.
 */
export interface TableFaultProxy {
  /** The account's table endpoint through the proxy. */
  readonly tableEndpoint: string;
  /** Azurite's connection string with its TableEndpoint pointed at the proxy. */
  connectionString(azuriteConnectionString: string): string;
  /** Requests seen, in order. */
  readonly requests: readonly { readonly method: string; readonly path: string }[];
  /** Writes answered so far (inserts, updates, merges, deletes, batches). */
  writes(): number;
  /**
   * Holds the answer of the `nth` write from now once Azurite has applied it; resolves when it is
   * held. Its client never hears back (until it is killed).
   */
  holdAfterWrite(nth: number): Promise<void>;
  /** Forgets a hold that has not been reached. */
  cancelHold(): void;
  /**
   * While on, every request is answered without reaching Azurite: 503 ServerBusy (the service under
   * load; the SDK retries it), or with `refusal: "forbidden"` 403 AuthorizationPermissionMismatch
   * (a role assignment not yet in effect; the SDK does not retry it).
   */
  setUnavailable(on: boolean, refusal?: "serverBusy" | "forbidden"): void;
  /** Requests refused while unavailable. */
  refused(): number;
  /** Resolves once this many requests have been refused. */
  refusedAtLeast(count: number): Promise<void>;
  close(): Promise<void>;
}

const writeMethods = new Set(["POST", "PUT", "PATCH", "MERGE", "DELETE"]);

export async function startTableFaultProxy(azuriteTableEndpoint: string): Promise<TableFaultProxy> {
  const target = new URL(azuriteTableEndpoint);
  const requests: { method: string; path: string }[] = [];
  let writesAnswered = 0;
  let unavailable = false;
  let refusal: "serverBusy" | "forbidden" = "serverBusy";
  let refusedCount = 0;
  const refusalWatchers: { count: number; resolve: () => void }[] = [];
  let hold: { at: number; resolve: () => void } | undefined;
  const heldResponses = new Set<ServerResponse>();

  const refuse = (response: ServerResponse): void => {
    refusedCount++;
    const [status, code, text] =
      refusal === "forbidden"
        ? [
            403,
            "AuthorizationPermissionMismatch",
            "This request is not authorized to perform this operation using this permission.",
          ]
        : [503, "ServerBusy", "The server is busy."];
    const body = JSON.stringify({
      "odata.error": {
        code,
        message: { lang: "en-US", value: `${text}\nRequestId:00000000-0000-0000-0000-000000000000` },
      },
    });
    response.writeHead(status, {
      "content-type": "application/json;odata=minimalmetadata;streaming=true;charset=utf-8",
      "x-ms-error-code": code,
    });
    response.end(body);
    for (const watcher of refusalWatchers.filter((w) => refusedCount >= w.count)) {
      refusalWatchers.splice(refusalWatchers.indexOf(watcher), 1);
      watcher.resolve();
    }
  };

  const forward = (incoming: IncomingMessage, response: ServerResponse): void => {
    const method = incoming.method ?? "GET";
    requests.push({ method, path: incoming.url ?? "" });
    if (unavailable) {
      incoming.resume();
      refuse(response);
      return;
    }
    const isWrite = writeMethods.has(method);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target.host },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          if (isWrite) writesAnswered++;
          if (isWrite && hold !== undefined && writesAnswered >= hold.at) {
            const { resolve } = hold;
            hold = undefined;
            heldResponses.add(response);
            resolve();
            return;
          }
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          response.end(Buffer.concat(chunks));
        });
      },
    );
    upstream.on("error", () => response.destroy());
    incoming.pipe(upstream);
  };

  const server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const tableEndpoint = `http://127.0.0.1:${port}${target.pathname}`;
  return {
    tableEndpoint,
    connectionString: (base) => base.replace(/TableEndpoint=[^;]*/, `TableEndpoint=${tableEndpoint}`),
    requests,
    writes: () => writesAnswered,
    holdAfterWrite: (nth) =>
      new Promise<void>((resolve) => {
        hold = { at: writesAnswered + nth, resolve };
      }),
    cancelHold: () => {
      hold = undefined;
    },
    setUnavailable: (on, answer = "serverBusy") => {
      unavailable = on;
      refusal = answer;
    },
    refused: () => refusedCount,
    refusedAtLeast: (count) =>
      new Promise<void>((resolve) => {
        if (refusedCount >= count) resolve();
        else refusalWatchers.push({ count, resolve });
      }),
    close: async () => {
      for (const response of heldResponses) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
