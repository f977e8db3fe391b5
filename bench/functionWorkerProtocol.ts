/** Messages between the benchmark and a function worker process (Node IPC). */
export type WorkerRequest =
  | {
      readonly type: "signOut";
      readonly requestId: number;
      readonly userPrincipalName: string;
      /** The request's `verify` field; left out when undefined. */
      readonly verify?: boolean;
    }
  /** Fires every body at the function at once, as concurrent HTTP requests to one instance. */
  | { readonly type: "storm"; readonly requestId: number; readonly bodies: readonly string[] };

export interface WorkerMemory {
  /** `process.resourceUsage().maxRSS`, converted to bytes: the process's peak resident set so far. */
  readonly maxRssBytes: number;
  readonly heapUsedBytes: number;
}

/** One HTTP answer of the function, as the caller would read it. */
export interface FunctionAnswer {
  /** From handing the request to the handler to its response, in the worker's clock. */
  readonly wallMs: number;
  readonly httpStatus: number;
  readonly reportStatus: string | undefined;
  readonly counts: Readonly<Record<string, number>> | undefined;
  readonly errors: readonly { readonly code?: string; readonly statusCode?: number; readonly scope?: string }[];
}

export interface SignOutMeasurement extends FunctionAnswer {
  readonly type: "signOutDone";
  readonly requestId: number;
  /** TLS connections the process opened during this request (0 when every call reused one). */
  readonly newTlsConnections: number;
  /** CPU time (user + system) this process spent during the request. */
  readonly cpuMs: number;
  readonly memory: WorkerMemory;
}

export interface StormMeasurement {
  readonly type: "stormDone";
  readonly requestId: number;
  /** From firing the first request to the last answer, in the worker's clock. */
  readonly wallMs: number;
  /** In the order the bodies were given. */
  readonly answers: readonly FunctionAnswer[];
  /** TLS connections the process opened during the storm. */
  readonly newTlsConnections: number;
  /** CPU time (user + system) this process spent from the first request to the last answer. */
  readonly cpuMs: number;
  readonly memory: WorkerMemory;
}

export interface WorkerReady {
  readonly type: "ready";
  /** Time to load the built app (package.json main) and collect its registrations. */
  readonly loadMs: number;
  readonly functions: readonly string[];
}

export type WorkerMessage =
  WorkerReady | SignOutMeasurement | StormMeasurement | { readonly type: "fault"; readonly message: string };
