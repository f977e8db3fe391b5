import {
  DesktopVirtualizationAPIClient,
  type DesktopVirtualizationAPIClientOptionalParams,
} from "@azure/arm-desktopvirtualization";
import { ManagedIdentityCredential } from "@azure/identity";
import type { Scenario } from "../../emulator/scenario";
import { startEmulator, type RunningEmulator } from "../../emulator/startEmulator";

export interface CreateEmulatorClientOptions {
  /** A user-assigned identity's client id; the system-assigned identity when absent. */
  readonly clientId?: string;
  /** The token scope; the public ARM audience by default. */
  readonly credentialScopes?: string[];
  /** Anything else for the SDK client, e.g. `retryOptions: { maxRetries: 0 }`. */
  readonly clientOptions?: DesktopVirtualizationAPIClientOptionalParams;
}

export interface EmulatorFixture {
  readonly emulator: RunningEmulator;
  /** A real SDK client for one subscription, authenticated by a real ManagedIdentityCredential. */
  createClient(subscriptionId: string, options?: CreateEmulatorClientOptions): DesktopVirtualizationAPIClient;
  /** A real ManagedIdentityCredential (one per client id, reused). */
  credential(clientId?: string): ManagedIdentityCredential;
  close(): Promise<void>;
}

let shared: { fixture: EmulatorFixture; closed: boolean } | undefined;
/** msal keeps the first managed-identity endpoint and secret it sees for the whole process. */
let processIdentity: { port: number; header: string } | undefined;
const credentials = new Map<string, ManagedIdentityCredential>();

/**
 * Starts the emulator for this test process, or loads `scenario` into the one already running, and
 * points IDENTITY_ENDPOINT / IDENTITY_HEADER at it. One emulator per process on purpose: msal caches
 * the identity source and its tokens per process, so a fresh emulator on a new port would be
 * invisible to it. A restart after `close()` reuses the identity port and secret for that reason.
 */
export async function startEmulatorFixture(scenario: Scenario): Promise<EmulatorFixture> {
  if (shared !== undefined && !shared.closed) {
    shared.fixture.emulator.load(scenario);
    return shared.fixture;
  }
  const emulator = await startEmulator({
    scenario,
    ...(processIdentity === undefined
      ? {}
      : { identityPort: processIdentity.port, identityHeader: processIdentity.header }),
  });
  processIdentity = { port: Number(new URL(emulator.identityEndpoint).port), header: emulator.identityHeader };
  process.env["IDENTITY_ENDPOINT"] = emulator.identityEndpoint;
  process.env["IDENTITY_HEADER"] = emulator.identityHeader;

  const credential = (clientId?: string): ManagedIdentityCredential => {
    const key = clientId ?? "";
    let existing = credentials.get(key);
    if (existing === undefined) {
      existing = clientId === undefined ? new ManagedIdentityCredential() : new ManagedIdentityCredential({ clientId });
      credentials.set(key, existing);
    }
    return existing;
  };

  const state = {
    closed: false,
    fixture: {
      emulator,
      credential,
      createClient: (subscriptionId: string, options: CreateEmulatorClientOptions = {}) =>
        new DesktopVirtualizationAPIClient(credential(options.clientId), subscriptionId, {
          ...options.clientOptions,
          $host: emulator.armEndpoint,
          endpoint: emulator.armEndpoint,
          credentialScopes: options.credentialScopes ?? ["https://management.azure.com/.default"],
          tlsOptions: { ca: emulator.caCertificatePem },
        }),
      close: async () => {
        state.closed = true;
        await emulator.close();
      },
    },
  };
  shared = state;
  return state.fixture;
}
