import { createServer, type Server } from "node:http";
import type { RunningEmulator } from "../emulator/startEmulator";

/**
 * Lets a person (or a test) see what the emulated Azure holds after a call, on plain HTTP next to
 * the functions: `/sessions` (what exists now) and `/calls` (the ARM call log).
 */
export function serveEmulatorState(emulator: RunningEmulator, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const views: Record<string, () => unknown> = {
      "/sessions": () => emulator.sessions(),
      "/calls": () => emulator.calls(),
    };
    const view = views[path];
    if (request.method !== "GET" || view === undefined) {
      response.writeHead(404, { "content-type": "application/json" }).end('{"paths":["/sessions","/calls"]}');
      return;
    }
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(view(), null, 2));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
