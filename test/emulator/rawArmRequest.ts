import type { IncomingHttpHeaders } from "node:http";
import { request } from "node:https";
import type { RunningEmulator } from "../../emulator/startEmulator";

export interface RawArmResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The parsed body when it is JSON; undefined when empty or of another content type. */
  readonly body: unknown;
  readonly text: string;
}

/** A plain HTTPS request to the emulator's ARM listener, trusting only its CA: for what the SDK would not send. */
export function rawArmRequest(
  emulator: RunningEmulator,
  options: { method?: string; path: string; bearerToken?: string; body?: string },
): Promise<RawArmResponse> {
  const url = new URL(options.path, emulator.armEndpoint);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: options.method ?? "GET",
        ca: emulator.caCertificatePem,
        headers: {
          ...(options.bearerToken === undefined ? {} : { authorization: `Bearer ${options.bearerToken}` }),
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const json = /json/i.test(response.headers["content-type"] ?? "");
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: text !== "" && json ? JSON.parse(text) : undefined,
            text,
          });
        });
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(options.body);
  });
}
