/** Messages between the benchmark and the reference client process (Node IPC). */
export interface ReferenceRequest {
  readonly type: "run";
  readonly requestId: number;
  readonly armEndpoint: string;
  /** A token for the emulator, fetched once by the benchmark: the reference does no identity work. */
  readonly token: string;
  readonly subscriptionIds: readonly string[];
  readonly userPrincipalName: string;
}

export interface ReferenceRun {
  readonly type: "referenceDone";
  readonly requestId: number;
  readonly wallMs: number;
  /** CPU time (user + system) the reference process spent during the run. */
  readonly cpuMs: number;
  readonly calls: number;
  readonly deleted: number;
  readonly newTlsConnections: number;
  readonly maxRssBytes: number;
}

export type ReferenceMessage =
  { readonly type: "ready" } | ReferenceRun | { readonly type: "fault"; readonly message: string };
