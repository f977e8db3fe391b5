/** Messages between the benchmark and a function worker process (Node IPC). */
export type WorkerRequest = {
  readonly type: "signOut";
  readonly requestId: number;
  readonly userPrincipalName: string;
};

export interface WorkerMemory {
  /** `process.resourceUsage().maxRSS`, converted to bytes: the process's peak resident set so far. */
  readonly maxRssBytes: number;
  readonly heapUsedBytes: number;
}

export interface SignOutMeasurement {
  readonly type: "signOutDone";
  readonly requestId: number;
  /** From handing the request to the handler to its response, in the worker's clock. */
  readonly wallMs: number;
  readonly httpStatus: number;
  readonly reportStatus: string | undefined;
  readonly counts: Readonly<Record<string, number>> | undefined;
  readonly errors: readonly { readonly code?: string; readonly statusCode?: number; readonly scope?: string }[];
  /** TLS connections the process opened during this request (0 when every call reused one). */
  readonly newTlsConnections: number;
  /** CPU time (user + system) this process spent during the request. */
  readonly cpuMs: number;
  readonly memory: WorkerMemory;
}

export interface WorkerReady {
  readonly type: "ready";
  /** Time to load the built app (package.json main) and collect its registrations. */
  readonly loadMs: number;
  readonly functions: readonly string[];
}

export type WorkerMessage = WorkerReady | SignOutMeasurement | { readonly type: "fault"; readonly message: string };
