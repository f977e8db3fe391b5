import type { StreamedAnswerRecord } from "./arm/streamedAnswer";
import { RequestGates, type GateMatch, type RequestGate } from "./requestGates";
import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createArmRequestHandler } from "./createArmRequestHandler";
import { createIdentityRequestHandler, type TokenRequestRecord } from "./createIdentityRequestHandler";
import { createLocalCertificate } from "./createLocalCertificate";
import { EmulatorEngine, type ArmCallRecord, type EmulatedSession, type PeakConcurrency } from "./emulatorEngine";
import { stableGuid } from "./emulatorWorld";
import { resolveScenario } from "./resolveScenario";
import type { Scenario, SessionState } from "./scenario";

export interface StartEmulatorOptions {
  readonly scenario: Scenario;
  /** Address both listeners bind to; 127.0.0.1 by default. */
  readonly host?: string;
  /** 0 (any free port) by default. */
  readonly armPort?: number;
  readonly identityPort?: number;
  /**
   * The X-IDENTITY-HEADER secret; random by default. msal keeps the first managed-identity
   * endpoint and secret it sees for the whole process, so a restarted emulator passes the old ones.
   */
  readonly identityHeader?: string;
  /** Token audiences ARM accepts; the public cloud's four spellings by default. */
  readonly acceptedAudiences?: readonly string[];
  /**
   * The emulator's clock in epoch milliseconds (`Date.now` by default): token issue and expiry,
   * throttling refills and message times follow it, so a test can let tokens expire without waiting.
   */
  readonly now?: () => number;
  /**
   * How long an idle kept-alive ARM connection stays open (Node's 5 s by default). The benchmark
   * raises it: clients that take turns would otherwise pay fresh TLS handshakes for the wait.
   */
  readonly keepAliveTimeoutMs?: number;
}

export interface RunningEmulator {
  /** `https://127.0.0.1:{port}`, for `$host` and `endpoint`. */
  readonly armEndpoint: string;
  /** Full token URL for IDENTITY_ENDPOINT, `http://127.0.0.1:{port}/msi/token`. */
  readonly identityEndpoint: string;
  /** Value for IDENTITY_HEADER. */
  readonly identityHeader: string;
  /** The CA that signed the ARM listener's certificate: pass as `tlsOptions: { ca }`. */
  readonly caCertificatePem: string;
  /** Client id reported for tokens requested without a client_id. */
  readonly systemAssignedClientId: string;
  calls(): ArmCallRecord[];
  /** Endless and huge answers whose connection is done: sent to their end, or abandoned by the client. */
  streamedAnswers(): StreamedAnswerRecord[];
  tokenRequests(): TokenRequestRecord[];
  /** The sessions that exist now, flattened. */
  sessions(): EmulatedSession[];
  peakConcurrency(): PeakConcurrency;
  /** Replaces the scenario and everything derived from it; clears the logs. */
  load(scenario: Scenario): void;
  /** Back to the loaded scenario's state; clears the logs, fault counters and throttling buckets. */
  reset(): void;
  /** Clears the ARM call log and the concurrency peaks only. */
  clearCalls(): void;
  /** Holds matching requests until the gate is released (cleared by load and reset). */
  gate(match: GateMatch): RequestGate;
  /** A user opens a new session in the host pool; returns its id. */
  signIn(hostPool: string, userPrincipalName: string, sessionState?: SessionState): string;
  close(): Promise<void>;
}

export const defaultAcceptedAudiences: readonly string[] = [
  "https://management.azure.com",
  "https://management.azure.com/",
  "https://management.core.windows.net",
  "https://management.core.windows.net/",
];

const defaultTokenLifetimeSeconds = 24 * 60 * 60;

export async function startEmulator(options: StartEmulatorOptions): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const engine = new EmulatorEngine(resolveScenario(options.scenario), options.now);
  const identityHeader = options.identityHeader ?? randomBytes(24).toString("base64url");
  const systemAssignedClientId = stableGuid("system-assigned-identity");
  const certificate = await createLocalCertificate();
  const gates = new RequestGates();

  const armServer = createHttpsServer(
    { key: certificate.privateKeyPem, cert: certificate.certificatePem },
    createArmRequestHandler({
      engine,
      acceptedAudiences: options.acceptedAudiences ?? defaultAcceptedAudiences,
      gates,
    }),
  );
  if (options.keepAliveTimeoutMs !== undefined) armServer.keepAliveTimeout = options.keepAliveTimeoutMs;
  const identityHandler = createIdentityRequestHandler({
    identityHeader,
    systemAssignedClientId,
    userAssignedClientIds: () => engine.scenario.managedIdentity?.userAssignedClientIds,
    systemAssigned: () => engine.scenario.managedIdentity?.systemAssigned ?? true,
    tokenLifetimeSeconds: () => engine.scenario.managedIdentity?.tokenLifetimeSeconds ?? defaultTokenLifetimeSeconds,
    now: () => engine.now(),
    record: (entry) => engine.recordTokenRequest(entry),
  });
  const identityServer = createHttpServer((request, response) => {
    void gates.pass("token").then(() => identityHandler(request, response));
  });

  const armPort = await listen(armServer, host, options.armPort ?? 0);
  let identityPort: number;
  try {
    identityPort = await listen(identityServer, host, options.identityPort ?? 0);
  } catch (error) {
    await closeServer(armServer);
    throw error;
  }
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    armEndpoint: `https://${urlHost}:${armPort}`,
    identityEndpoint: `http://${urlHost}:${identityPort}/msi/token`,
    identityHeader,
    caCertificatePem: certificate.caCertificatePem,
    systemAssignedClientId,
    calls: () => engine.calls(),
    streamedAnswers: () => engine.streamedAnswers(),
    tokenRequests: () => engine.tokenRequests(),
    sessions: () => engine.sessions(),
    peakConcurrency: () => engine.peakConcurrency(),
    load: (scenario) => {
      gates.clear();
      engine.load(resolveScenario(scenario));
    },
    reset: () => {
      gates.clear();
      engine.reset();
    },
    clearCalls: () => engine.clearCalls(),
    gate: (match) => gates.add(match),
    signIn: (hostPool, userPrincipalName, sessionState) => engine.signIn(hostPool, userPrincipalName, sessionState),
    close: async () => {
      await Promise.all([closeServer(armServer), closeServer(identityServer)]);
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes the listener and drops idle keep-alive connections, which would otherwise hold it open. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
