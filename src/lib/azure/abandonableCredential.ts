import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { untilAborted } from "../base/clock";

/**
 * The identity library does not stop waiting on a managed-identity endpoint that never answers,
 * so a request's deadline would not cover token acquisition. This wrapper stops waiting when the
 * caller's signal aborts.
 *
 * The pipeline's token cycler shares one refresh among every request that needs a token, so the
 * abort of the request that started it also ends the wait of the others. Those are not past their
 * deadline: they get an `ETIMEDOUT` error, which the pipeline's retry policy treats as a network
 * timeout and retries with a fresh token request, while the aborted request fails as aborted.
 */
export function abandonableCredential(credential: TokenCredential): TokenCredential {
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const pending = credential.getToken(scopes, options);
      const signal = options?.abortSignal;
      return signal === undefined ? pending : untilAborted(pending, signal, abandoned);
    },
  };
}

function abandoned(): Error {
  const error = new Error("Stopped waiting for a managed identity token: the request that asked for it ended.");
  Object.assign(error, { code: "ETIMEDOUT" });
  return error;
}
